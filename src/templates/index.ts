/** Templates: strict Handlebars rendering of controller-side files for the template module. */
export { renderTemplate, templateVariables, TemplateError } from './render.ts';
export { HelperError, helpers } from './helpers.ts';
