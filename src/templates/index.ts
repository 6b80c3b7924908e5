/** Templates: strict Handlebars rendering of controller-side files for the template module. */
export { renderTemplate, templateVariables, TemplateError } from './render.ts';
export { HelperError, helpers } from './helpers.ts';
export { hasTemplate, isTemplate, isUnsafe, JinjaError, MISSING, renderString, renderValue, type JinjaScope } from './jinja.ts';
