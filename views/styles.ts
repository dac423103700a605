// One small hand-written stylesheet: mobile first, the help page's blue buttons.
export const stylesheet = `
:root{color-scheme:light dark;--blue:#1a6fe0;--blue-dark:#1256b3;--button:#1a6fe0;--button-hover:#1256b3;--text:#1d2433;--muted:#5b6475;--bg:#f3f5f9;--card:#fff;--line:#d5dae3;--error:#b3261e;--ok:#1e7a3c;--warn:#a15c00}
@media (prefers-color-scheme:dark){:root{--text:#e8ebf1;--muted:#a9b1c0;--bg:#12151b;--card:#1c2029;--line:#353b48;--blue:#8ab4ff;--blue-dark:#b3ceff;--button:#2563eb;--button-hover:#1d4ed8;--error:#ff8a80;--ok:#7ddc97;--warn:#ffb74d}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);background:var(--bg)}
header{position:relative;display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;min-height:calc(44px + 1.5rem);padding:.75rem 1rem;background:var(--card);border-bottom:1px solid var(--line)}
.brand{font-weight:700;color:var(--blue);text-decoration:none;font-size:1.15rem}
main{max-width:28rem;margin:1.5rem auto;padding:0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem}
h1{font-size:1.4rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=email],input[type=password]{width:100%;min-height:44px;padding:.6rem .75rem;font:inherit;color:inherit;background:var(--card);border:1px solid var(--line);border-radius:8px}
input[aria-invalid=true]{border-color:var(--error)}
:focus-visible{outline:3px solid var(--blue);outline-offset:2px}
.hint{color:var(--muted);font-size:.9rem;margin:.25rem 0 0}
.error{color:var(--error);font-size:.95rem;margin:.25rem 0 0}
/* the inline answer's line is kept free, so its arrival moves nothing under it (a tap then still lands) */
#password_confirmation-feedback{display:flow-root;min-height:calc(.95rem * 1.5 + .25rem)}
.ok{color:var(--ok);font-size:.95rem;margin:.25rem 0 0}
/* One casing rule: primary buttons in the help page's capitals ("GUARDAR PERFIL"); secondary ones in sentence case. */
.button{display:block;width:100%;min-height:44px;margin-top:1.5rem;padding:.7rem 1rem;font:inherit;font-weight:700;letter-spacing:.02em;text-transform:uppercase;color:#fff;background:var(--button);border:0;border-radius:8px;cursor:pointer;text-align:center;text-decoration:none}
.button:hover{background:var(--button-hover)}
.button.danger{background:#b3261e}.button.danger:hover{background:#8c1d18}
.links{display:flex;justify-content:space-between;gap:0 1rem;flex-wrap:wrap;margin-top:.5rem}
.links a{display:inline-flex;align-items:center;min-height:44px}
.password{position:relative}.password input{padding-right:6.5rem}
.reveal{position:absolute;top:0;right:0;min-width:44px;height:100%;padding:0 .9rem;font:inherit;font-size:.9rem;color:var(--blue);background:none;border:0;border-radius:0 8px 8px 0;cursor:pointer}
a{color:var(--blue)}
.notice{background:color-mix(in srgb,var(--ok) 12%,transparent);border-left:4px solid var(--ok);padding:.75rem 1rem;border-radius:6px;margin-bottom:1rem}
.warning{background:color-mix(in srgb,var(--warn) 12%,transparent);border-left:4px solid var(--warn);padding:.75rem 1rem;border-radius:6px;margin-bottom:1rem}
.alert{background:color-mix(in srgb,var(--error) 10%,transparent);border-left:4px solid var(--error);padding:.75rem 1rem;border-radius:6px;margin-bottom:1rem}
.reminder{color:var(--muted);font-size:.9rem;margin-top:1.5rem}
/* The menu opens in the page's flow, under the header row, so it never covers the title. */
.menu summary{position:absolute;top:.75rem;right:1rem;list-style:none;cursor:pointer;display:grid;place-items:center;width:44px;height:44px;border-radius:50%;background:var(--button);color:#fff;font-weight:700}
.menu summary::-webkit-details-marker{display:none}
.menu[open]{flex-basis:100%}
.menu-panel{margin:.75rem 0 0;padding:.25rem;background:var(--card);border:1px solid var(--line);border-radius:8px}
@media (min-width:40rem){.menu[open]{flex-basis:auto;margin-left:auto;margin-right:52px}.menu-panel{margin:0;min-width:16rem}}
.who{display:flex;flex-direction:column;margin:0;padding:.5rem .75rem;border-bottom:1px solid var(--line);overflow-wrap:anywhere}.who span{color:var(--muted);font-size:.9rem}
.menu ul{margin:0;padding:0;list-style:none}
.menu li a,.menu li button{display:block;width:100%;min-height:44px;padding:.6rem .75rem;font:inherit;color:inherit;text-align:left;text-decoration:none;background:none;border:0;cursor:pointer}
.menu li a[aria-current=page]{font-weight:700;box-shadow:inset 4px 0 0 var(--blue)}
.menu li a:hover,.menu li button:hover{background:var(--bg)}
dl{margin:0}dt{font-weight:600;margin-top:1rem}dd{margin:0;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse}td,th{padding:.4rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.wide{max-width:60rem}
@media (min-width:48rem){main.wide .card{padding:2rem 2.5rem}main.wide form{max-width:32rem}}
h2{font-size:1.15rem;margin:2rem 0 .5rem}
.rows{list-style:none;margin:0;padding:0}.rows li{display:flex;flex-direction:column;padding:.75rem 0;border-bottom:1px solid var(--line)}
/* Sessions: text on the left, the button on the right, aligned from row to row. */
.sessions{list-style:none;margin:0;padding:0}
.sessions li{display:grid;grid-template-columns:1fr;gap:.5rem;align-items:center;padding:.75rem 0;border-bottom:1px solid var(--line)}
.sessions li>div{display:flex;flex-direction:column}
fieldset.keep{border:0;padding:0;margin:1.5rem 0}fieldset.keep legend{font-weight:600;padding:0}
.check{display:inline-flex;align-items:center;gap:.5rem;min-height:44px;margin:0;cursor:pointer}.check input{width:1.25rem;height:1.25rem;margin:0}
@media (min-width:40rem){.sessions li{grid-template-columns:1fr 14rem}.sessions li>:last-child{justify-self:end}}
.confirm summary{list-style:none;display:inline-flex;align-items:center}.confirm summary::-webkit-details-marker{display:none}
.confirm .button{margin-top:.5rem}
.confirm.remove{margin-top:1.25rem;padding-top:.5rem;border-top:1px solid var(--line)}
.linklike{display:inline-flex;align-items:center;min-height:44px;text-align:left;padding:0;margin-top:.25rem;font:inherit;color:var(--blue);text-decoration:underline;background:none;border:0;cursor:pointer}
form.inline{display:inline}
.secondary{min-height:44px;margin-top:.5rem;padding:.5rem .9rem;font:inherit;color:var(--blue);background:transparent;border:1px solid var(--blue);border-radius:8px;cursor:pointer}
.danger{color:var(--error);border-color:var(--error)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.badge{color:var(--ok);font-weight:600}
pre{white-space:pre-wrap;word-break:break-word}
.qr{display:block;width:240px;max-width:100%;height:auto;margin:.5rem 0;image-rendering:pixelated}
form+details{margin-top:1rem}
.recovery-codes{font-size:1.1rem;line-height:1.8;columns:2 20ch;white-space:pre;padding:.75rem;border:1px solid var(--muted);border-radius:.5rem}
#two-step-key{word-spacing:.3em;font-size:1.05rem}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`
