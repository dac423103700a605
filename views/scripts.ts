// The app's only script of its own (htmx aside): progressive enhancement.
// Without JavaScript every page works; these only make it smoother.
export const script = `
// Show/hide password: a real button, hidden until wired; its accessible name says what pressing it does now
// ("Ocultar: Contraseña" while shown), so it is not a toggle with a fixed name.
for (const button of document.querySelectorAll('button[data-reveal]')) {
  const input = document.getElementById(button.dataset.reveal)
  if (!input) continue
  button.hidden = false
  button.addEventListener('click', () => {
    const show = input.type === 'password'
    input.type = show ? 'text' : 'password'
    button.textContent = show ? button.dataset.hide : button.dataset.show
    button.setAttribute('aria-label', (show ? button.dataset.hide : button.dataset.show) + ': ' + button.dataset.label)
  })
}

// The inline password check: a mismatch is reported once the person leaves the confirmation.
const confirmation = document.getElementById('password_confirmation')
const left = confirmation && confirmation.form && confirmation.form.elements.namedItem('confirmation_left')
if (confirmation && left) {
  confirmation.addEventListener('input', () => { left.value = '' })
  confirmation.addEventListener('blur', () => {
    if (!confirmation.value) return
    left.value = '1'
    confirmation.dispatchEvent(new Event('validate'))
  })
}

// Each feedback region speaks of one field: keep that field's aria-invalid in step with it.
for (const region of document.querySelectorAll('.feedback[id$="-feedback"]')) {
  const field = document.getElementById(region.id.slice(0, -'-feedback'.length))
  if (!field) continue
  new MutationObserver(() => {
    if (region.querySelector('.error')) field.setAttribute('aria-invalid', 'true')
    else field.removeAttribute('aria-invalid')
  }).observe(region, { childList: true, subtree: true })
}

// "Olvidé mi contraseña" and "Recibir un enlace de acceso" on /login take the address typed so far
// along (?email=…; the server keeps it in its own cookie and redirects to the page without it).
// Set on the links themselves, so a tap, a middle click or "open in new tab" all carry it.
const typedEmail = document.querySelector('form[action="/login"] input[name="email"]')
if (typedEmail) {
  const carry = () => {
    for (const link of document.querySelectorAll('a[data-carry-email]')) {
      const url = new URL(link.getAttribute('href'), location.href)
      const email = typedEmail.value.trim()
      if (email) url.searchParams.set('email', email)
      else url.searchParams.delete('email')
      link.href = url.pathname + url.search
    }
  }
  typedEmail.addEventListener('input', carry)
  typedEmail.addEventListener('change', carry)
  for (const link of document.querySelectorAll('a[data-carry-email]')) link.addEventListener('pointerdown', carry)
  for (const link of document.querySelectorAll('a[data-carry-email]')) link.addEventListener('keydown', carry)
  carry()
}

// The user menu (<details>): Escape and a tap outside close it.
const menu = document.querySelector('details.menu')
if (menu) {
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && menu.open) { menu.open = false; menu.querySelector('summary').focus() }
  })
  document.addEventListener('click', (event) => { if (menu.open && !menu.contains(event.target)) menu.open = false })
}
`
