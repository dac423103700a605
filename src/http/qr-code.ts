import { renderSVG } from 'uqr'

/**
 * A QR code as an image the page embeds (`img-src data:` in our CSP): drawn
 * here as SVG by uqr, so the secret it carries never goes to a third-party
 * QR service. Plain base64 of the SVG's ASCII text.
 */
export function qrCodeImage(text: string): string {
  // The SVG is ASCII (the URI in it is percent-encoded), so btoa takes it as is.
  return `data:image/svg+xml;base64,${btoa(renderSVG(text, { border: 2, pixelSize: 6 }))}`
}
