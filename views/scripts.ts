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

// A field's message, its hint and its marks, kept in step (the server renders the same on a full page):
// while a message is shown, it takes the hint's place, so each rule is said once; the field is
// aria-invalid and described by what is shown; the summary over the form stays while any field is marked.
function mark(field, wrong) {
  if (wrong) field.setAttribute('aria-invalid', 'true')
  else field.removeAttribute('aria-invalid')
  const hint = document.getElementById(field.id + '-hint')
  if (hint) hint.hidden = wrong
  const ids = [field.id + '-hint', field.id + '-error', field.id + '-feedback'].filter((id) => {
    const element = document.getElementById(id)
    return element && !element.hidden
  })
  if (ids.length) field.setAttribute('aria-describedby', ids.join(' '))
  else field.removeAttribute('aria-describedby')
  const summary = document.getElementById('form-alert')
  if (summary && field.form) summary.hidden = !field.form.querySelector('[aria-invalid="true"]')
}

// Each feedback region speaks of one field (what htmx swaps in: the inline password check, a wrong code).
// After a submit answered in place, focus goes to the field, where its message is read.
for (const region of document.querySelectorAll('.feedback[id$="-feedback"]')) {
  const field = document.getElementById(region.id.slice(0, -'-feedback'.length))
  if (!field) continue
  new MutationObserver(() => {
    const wrong = Boolean(region.querySelector('.error'))
    mark(field, wrong)
    if (wrong && field.form && field.form.dataset.sent) field.focus()
    if (field.form) delete field.form.dataset.sent
  }).observe(region, { childList: true, subtree: true })
  if (field.form) field.form.addEventListener('submit', () => { field.form.dataset.sent = '1' })
}

// A message speaks of what was sent: once the person changes the field it no longer holds, so it goes
// at once. The server judges again on submit (without JavaScript, that is the only judgement), the
// inline check as they type.
for (const field of document.querySelectorAll('input[id]')) {
  field.addEventListener('input', () => {
    if (field.getAttribute('aria-invalid') !== 'true') return
    const error = document.getElementById(field.id + '-error')
    const region = document.getElementById(field.id + '-feedback')
    if (!error && !(region && region.querySelector('.error'))) return // a message over the form (a wrong password) stays
    if (error) error.remove()
    if (region) region.replaceChildren()
    mark(field, false)
  })
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

// "Copiar" beside text shown once (the recovery codes): hidden until wired; says "Copiado" once done.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const source = document.getElementById(button.dataset.copy)
  if (!source || !navigator.clipboard) { button.hidden = true; continue }
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(source.textContent.trim())
    button.textContent = button.dataset.copied
  })
}
`
