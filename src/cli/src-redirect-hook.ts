/** Module resolve hook (loader thread): a URL under rig's src/ becomes its twin in the build that is running. */
import type { InitializeHook, ResolveHook } from 'node:module';
import { pathToFileURL } from 'node:url';

let srcUrl = '';
let buildUrl = '';

/** Receives the directories from ts-loader.ts. */
export const initialize: InitializeHook<{ srcDir: string; buildDir: string }> = (data) => {
  srcUrl = `${pathToFileURL(data.srcDir).href}/`;
  buildUrl = `${pathToFileURL(data.buildDir).href}/`;
};

/** src/x/y.ts → <build>/x/y.js; everything else unchanged. */
export const resolve: ResolveHook = async (specifier, context, next) => {
  const r = await next(specifier, context);
  if (!r.url.startsWith(srcUrl) || !r.url.endsWith('.ts')) return r;
  return { ...r, url: `${buildUrl}${r.url.slice(srcUrl.length, -'.ts'.length)}.js`, format: 'module' };
};
