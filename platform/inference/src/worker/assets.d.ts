/** Vite's `?url` imports (ORT's .wasm in the OHIF plugin build): the emitted asset's URL. */
declare module '*?url' {
  const url: string;
  export default url;
}
