// The architecture, as rules that fail the build (`npm run typecheck` runs
// `npm run layers`). Read it top to bottom: each layer imports the layers
// below it, never one above, and nothing imports in a circle.
//
//   entry points    src/index.tsx (the app), src/maintenance.ts (the crons), src/routes/ (one file per area),
//                   src/support/ (operator commands, run by scripts/)
//        │          a route parses input, calls one domain function, renders or redirects
//        ▼
//   HTTP adapters   src/middleware/ ─► src/http/, src/env/
//        │          a request turned into plain values (client, cookies, form) and back
//        ▼
//   domain          src/apps/ ─► src/auth/ ─► src/mail/
//        │          the account rules, on plain values: no request, no Context, no page
//        ▼
//   foundations     src/db/, src/crypto/, src/config/, src/clock/, src/addresses/, src/log/, src/i18n/
//
//   views/          beside the stack, not in it: pure functions of props that import only
//                   views/ and src/i18n/. Entry points and adapters render them; mail renders
//                   views/emails/; the domain may import a view's props type, nothing more.
//
// Every layer may import any layer below it, not only the next one (a route
// reads the clock). There are no exceptions: a file that needs one is in
// the wrong layer, or a piece of it is.

// The layers, top to bottom, by path (regular expressions, from the repository root).
const entry = '^src/(index[.]tsx|maintenance[.]ts)$|^src/(routes|support)/'
const middleware = '^src/middleware/'
const http = '^src/(http|env)/'
const apps = '^src/apps/'
const auth = '^src/auth/'
const mail = '^src/mail/'
const domain = `${apps}|${auth}|${mail}`
const views = '^views/'
const foundations = '^src/(db|crypto|config|clock|addresses|log|i18n)/'

// SQL: the query builder, the tables and batches. Opening the database
// (src/db/client.ts) is wiring, done where the app is assembled.
const sql = '^node_modules/drizzle-orm/|^src/db/(?!client[.]ts$)'

const above = (...layers) => ({ path: layers.join('|') })

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Files never import each other in a circle: a circle has no bottom to read or test first.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'Nor do folders: auth importing http and http importing auth makes them one module with two names.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'foundations-know-nothing-above',
      comment:
        'db (tables, the D1 client), crypto (keys, encoding), config (the checked vars and secrets), clock, addresses ' +
        '(what an email or IP address is), log (what may be logged) and i18n (the copy) are read by everyone and read no one above them.',
      severity: 'error',
      from: { path: foundations },
      to: above(entry, middleware, http, domain, views),
    },
    {
      name: 'domain-knows-no-http',
      comment:
        'auth (accounts, passwords, sessions, secrets, limits), mail (what is sent, the outbox) and apps (tokens for other apps) ' +
        'take plain values (who is asking, what the browser holds) and return plain results; the route reads and writes HTTP.',
      severity: 'error',
      from: { path: domain },
      to: above(entry, middleware, http),
    },
    {
      name: 'mail-knows-no-account-rules',
      comment: 'mail sends what the account rules decide; it never asks them (auth queues mail, not the other way round).',
      severity: 'error',
      from: { path: mail },
      to: above(apps, auth),
    },
    {
      name: 'auth-knows-no-apps',
      comment: 'apps are built on accounts and sessions; accounts do not know which apps exist.',
      severity: 'error',
      from: { path: auth },
      to: above(apps),
    },
    {
      name: 'domain-renders-no-page',
      comment:
        'The domain may name the props type a view declares (types flow downwards, STYLE.md 10), but renders no page: ' +
        'routes and adapters do. The one rendering the domain does is mail: its bodies are views/emails.',
      severity: 'error',
      from: { path: domain },
      to: { path: views, pathNot: '^views/emails/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-mail-renders-mail',
      comment: 'Mail bodies are rendered by src/mail alone, so every mail goes through the outbox.',
      severity: 'error',
      from: { pathNot: `${mail}|^views/emails/` },
      to: { path: '^views/emails/' },
    },
    {
      name: 'views-are-pure',
      comment:
        'A view is a pure function of its props: it imports other views, the copy (src/i18n) and hono/jsx, never the database, ' +
        'the domain or a request. Formatting it needs lives beside it (views/format.ts) or in i18n.',
      severity: 'error',
      from: { path: views },
      to: { path: '^src/', pathNot: '^src/i18n/' },
    },
    {
      name: 'views-import-no-library',
      comment: 'Of the packages, only hono (JSX, html) and htmx (the script pages load): a view that needs drizzle or jose is doing a route\'s job.',
      severity: 'error',
      from: { path: views },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '^node_modules/(hono|htmx[.]org)/' },
    },
    {
      name: 'adapters-know-no-route',
      comment: 'src/http and src/middleware turn requests into plain values and back; routes are built on them, not under them.',
      severity: 'error',
      from: { path: `${middleware}|${http}` },
      to: above(entry),
    },
    {
      name: 'http-helpers-below-middleware',
      comment: 'Middleware is built from the http helpers (cookies, client info, forms); the helpers never call middleware.',
      severity: 'error',
      from: { path: http },
      to: above(middleware),
    },
    {
      name: 'routes-run-no-sql',
      comment:
        'A route parses input, calls one domain function and renders or redirects. Queries and batches live in the domain: ' +
        'a route may name a row type (type-only), never a table, the query builder or a batch.',
      severity: 'error',
      from: { path: entry },
      to: { path: sql, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-run-no-sql',
      comment: 'Nor do the HTTP adapters: the session middleware asks auth for the session, it does not query for it.',
      severity: 'error',
      from: { path: `${middleware}|${http}` },
      to: { path: sql, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unresolvable-import',
      comment: 'An import that resolves to nothing would pass every rule above unseen.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API yet (dependency-cruiser's own tsc
    // parser needs TypeScript < 7); swc parses the same syntax, type-only
    // imports included.
    parser: 'swc',
    doNotFollow: { path: '^node_modules/' },
    // A linked node_modules (a git worktree sharing one install) must still
    // read as node_modules/…, or every package import escapes the rules.
    preserveSymlinks: true,
    builtInModules: { add: ['cloudflare:workers'] },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.d.ts', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
    },
  },
}
