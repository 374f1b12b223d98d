/** Vite's `?url` imports (the browser build of the font files): the asset's URL. */
declare module '*?url' {
  const url: string;
  export default url;
}
