// wrangler.toml's Text rule (and the test config's plugin) turn this file into a string.
declare module '*/common-passwords.txt' {
  const list: string
  export default list
}

declare module 'htmx.org/dist/htmx.min.js' {
  const source: string
  export default source
}

