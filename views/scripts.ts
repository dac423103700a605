// The app's only script of its own (htmx aside): progressive enhancement for
// the show/hide password buttons, which stay hidden without JavaScript.
export const script = `
for (const button of document.querySelectorAll('button[data-reveal]')) {
  const input = document.getElementById(button.dataset.reveal)
  if (!input) continue
  button.hidden = false
  button.addEventListener('click', () => {
    const show = input.type === 'password'
    input.type = show ? 'text' : 'password'
    button.setAttribute('aria-pressed', String(show))
    button.textContent = show ? button.dataset.hide : button.dataset.show
  })
}
`
