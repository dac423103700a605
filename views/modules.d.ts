// wrangler.toml's Text rule (and the test config's plugin) turn this file into a string.
declare module 'htmx.org/dist/htmx.min.js' {
  const source: string
  export default source
}
