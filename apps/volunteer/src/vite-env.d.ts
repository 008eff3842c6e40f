// Types of the Vite-specific imports the page uses (`?url` asset URLs); written out so no ambient @types are needed.
declare module '*?url' {
  const url: string;
  export default url;
}
