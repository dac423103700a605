// htmx 4's <hx-partial>: one piece of a response with its own target and swap.
import 'hono/jsx'

declare module 'hono/jsx' {
  namespace JSX {
    interface IntrinsicElements {
      'hx-partial': { 'hx-target': string; 'hx-swap': string; children?: unknown }
    }
  }
}
