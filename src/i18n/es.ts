// Copy in the words of the help page "Resetar la clave (Reset Password)".

// Every answer that promises a mail says when to expect it and what to do
// if it does not come (a mail over a budget is withheld in silence), without
// saying whether an account exists.
const notArrived =
  '¿No llegó en 2 minutos? Revise la carpeta de correo no deseado o spam. Si sigue sin llegar, vuelva a pedirlo en unos minutos, o desde otra red (por ejemplo, con datos móviles en lugar del wifi de la oficina): por seguridad limitamos los correos que se piden desde una misma conexión y para una misma dirección.'

export const es = {
  lang: 'es',
  neverAsks: 'Ecuabots nunca le pedirá su contraseña.',
  keepSafe: 'Recuerde mantener la contraseña de su cuenta segura y protegida. No la comparta con nadie.',
  fields: {
    name: 'Nombre',
    email: 'Correo electrónico',
    password: 'Contraseña',
    newPassword: 'Nueva contraseña',
    passwordConfirmation: 'Confirme su contraseña',
    currentPassword: 'Contraseña actual',
    // Says what is refused, so "123456" being too common is no surprise.
    passwordHint: 'Al menos 6 caracteres. No se aceptan contraseñas muy comunes, como 123456.',
    keepBlank: 'Déjela en blanco para mantener la actual.',
    show: 'Mostrar',
    hide: 'Ocultar',
  },
  login: {
    title: 'Iniciar sesión',
    submit: 'INICIAR SESIÓN',
    forgot: 'Olvidé mi contraseña',
    noAccount: '¿No tiene cuenta?',
    signupLink: 'Crear una cuenta',
    invalid: 'El correo electrónico o la contraseña no son correctos.',
    // Only in the browser that signed up (its own cookie, set for new and taken addresses alike): it tells nothing about the account.
    // "y aún no la confirmó": the same browser, confirmed on the phone meanwhile, must not be told to confirm again.
    confirmFirst: 'Si acaba de crear su cuenta en este navegador y aún no la confirmó, primero confírmela con el enlace que le enviamos por correo.',
    closedElsewhere: 'Su sesión en este navegador se cerró desde otro dispositivo o desde una aplicación. Inicie sesión de nuevo para continuar.',
    signedOut: 'Cerró su sesión.',
    mistyped: '¿Escribió mal su correo?',
    // Under every failed sign-in alike, so it tells nothing about the address.
    confirmedElsewhere: '¿Confirmó desde otro dispositivo? Entre con un enlace de acceso',
    needSignIn: 'Inicie sesión para continuar.',
  },
  accessLink: {
    // One name for the way in without a password, everywhere: "enlace de acceso".
    offer: 'Recibir un enlace de acceso',
    title: 'Recibir un enlace de acceso',
    intro: 'Ingrese su correo electrónico. Le enviaremos un enlace de acceso y un código de 6 dígitos para entrar sin contraseña.',
    submit: 'ENVIAR ENLACE DE ACCESO',
    sentTitle: 'Revise su correo',
    sent: (email: string, subject: string) => [
      `Si ${email} tiene una cuenta, le enviamos el correo «${subject}». Vence en 15 minutos; si pidió más de uno, use el más reciente.`,
      notArrived,
    ],
    // "¿No la recuerda?" from the profile: the person is signed in and the address is hers, so nothing is hedged.
    reauthSent: (email: string, subject: string) => [
      `Le enviamos el correo «${subject}» a ${email}. Vence en 15 minutos; si pidió más de uno, use el más reciente.`,
      notArrived,
    ],
    reauthBack: 'Volver al perfil',
    reauthBackSecurity: 'Volver a Seguridad',
    codeTitle: 'Ingrese el código',
    codeIntro: 'En este dispositivo, escriba el código de 6 dígitos del correo. El enlace del correo sirve para entrar desde otro dispositivo.',
    codeLabel: 'Código de 6 dígitos',
    codeSubmit: 'ENTRAR CON EL CÓDIGO',
    codeFormat: 'Ingrese los 6 dígitos del código.',
    codeWrong: (remaining: number) =>
      `El código es incorrecto, venció o ya se usó. Le ${remaining === 1 ? 'queda 1 intento' : `quedan ${remaining} intentos`}.`,
    newCode: 'Pedir un código nuevo',
    codeDeadTitle: 'Este código ya no es válido',
    codeDead: 'El código venció, ya se usó o se agotaron los intentos. Pida un enlace de acceso nuevo, o abra el enlace del correo si aún lo tiene.',
    codeUsedByLink:
      'Ya entró con el enlace en otro dispositivo: el enlace y el código sirven una sola vez, y usar uno anula el otro. Para entrar también aquí, pida un enlace de acceso nuevo.',
    askAgain: 'Pedir un enlace de acceso nuevo',
    continueTitle: 'Entrar con su enlace de acceso',
    continueAs: (masked: string) => `Cuenta: ${masked}`,
    continueSubmit: 'CONTINUAR',
    continueIntro: 'Presione el botón para entrar a su cuenta en este dispositivo.',
    invalidTitle: 'Este enlace ya no es válido',
    invalid: 'El enlace de acceso venció o ya se usó. Puede pedir uno nuevo.',
  },
  signup: {
    title: 'Crear una cuenta',
    submit: 'CREAR CUENTA',
    haveAccount: '¿Ya tiene cuenta?',
    signInLink: 'Iniciar sesión',
    sentTitle: 'Revise su bandeja de entrada',
    // One answer for a new address, a pending account and a confirmed one: both subjects are named, neither is promised.
    sent: (email: string, subjects: [string, string]) =>
      `Enviamos un correo a ${email} con los pasos para continuar. Búsquelo con el asunto «${subjects[0]}» (o «${subjects[1]}», si ese correo ya tenía una cuenta). El enlace vence en 24 horas.`,
    resend: 'REENVIAR EL CORREO',
    resent: 'Si su cuenta aún no está confirmada, le enviamos un enlace de confirmación nuevo: use el más reciente.',
  },
  mailHelp: {
    notArrived,
  },
  verify: {
    title: 'Confirmar su correo electrónico',
    intro: 'Presione el botón para confirmar su correo electrónico e iniciar sesión.',
    account: (masked: string) => `Cuenta: ${masked}`,
    submit: 'CONFIRMAR MI CORREO',
    invalidTitle: 'Este enlace ya no es válido',
    invalid:
      'El enlace de confirmación venció o ya se usó. Si ya confirmó su correo, inicie sesión. Si no, inicie sesión con su correo y contraseña y le enviaremos uno nuevo, o entre con un enlace de acceso.',
  },
  forgot: {
    title: 'Restablecer su contraseña',
    intro: 'Ingrese su dirección de correo electrónico y le enviaremos instrucciones para restablecer su contraseña.',
    submit: 'ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO',
    back: 'Volver a iniciar sesión',
    sentTitle: 'Revise su bandeja de entrada',
    sent: (email: string, subject: string) => [
      `Si ${email} tiene una cuenta, le enviamos el correo «${subject}». El enlace vence en 1 hora; si pidió más de uno, use el más reciente.`,
      notArrived,
    ],
  },
  reset: {
    title: 'Elija una nueva contraseña',
    intro: 'Deberá elegir una nueva contraseña para recuperar el acceso a su cuenta. Las contraseñas deben tener al menos 6 caracteres y no ser muy comunes, como 123456.',
    account: (masked: string) => `Cuenta: ${masked}`,
    submit: 'GUARDAR CONTRASEÑA',
    invalidTitle: 'Este enlace ya no es válido',
    invalid: 'El enlace para restablecer la contraseña venció o ya se usó. Puede pedir uno nuevo; use siempre el correo más reciente.',
    askAgain: 'Pedir un enlace nuevo',
    alreadyChanged: '¿Ya la cambió? Inicie sesión',
    evicts:
      'Al guardar, cerraremos todas las sesiones abiertas de su cuenta, olvidaremos los demás navegadores y eliminaremos las llaves de acceso que no marque para conservar: quien haya entrado sin usted queda fuera. Lo único que no podemos retirar son los permisos que las apps ya recibieron, que siguen valiendo hasta 5 minutos.',
    passkeysTitle: 'Llaves de acceso de su cuenta',
    passkeysIntro: 'Marque «Conservar» solo en las llaves que reconozca como suyas. Las demás dejarán de servir para entrar. Podrá agregar una llave de nuevo después.',
    keep: 'Conservar',
    added: (when: string, device: string, place: string) => `Agregada ${when} · ${device} · ${place}`,
  },
  profile: {
    title: 'Perfil del usuario',
    submit: 'GUARDAR PERFIL',
    passwordSection: 'Cambiar su contraseña',
    // An account confirmed on another device has no password to change yet.
    firstPasswordSection: 'Elija su contraseña',
    reauth: 'Por su seguridad, ingrese su contraseña actual para cambiar su contraseña o agregar una llave de acceso.',
    forgotCurrent: '¿No la recuerda? Reciba un enlace de acceso',
    saved: 'Sus cambios fueron guardados.',
    unchanged: 'No había cambios que guardar: su nombre y su contraseña siguen iguales.',
    nameSavedPasswordNot:
      'Guardamos su nombre. Su contraseña no cambió: para cambiarla, escriba la nueva contraseña y confírmela, junto con la actual.',
    passwordChanged: 'Su contraseña fue cambiada. Cerramos las sesiones abiertas en otros dispositivos.',
    // The first password of an account confirmed on another device: nothing was changed, and the other device is where it is needed next.
    passwordChosen: 'Guardamos su contraseña. Ya puede iniciar sesión con ella en cualquier dispositivo.',
    passwordReset: 'Su contraseña fue restablecida y ya inició sesión.',
    verified: 'Su correo electrónico fue confirmado. Le damos la bienvenida.',
    bouncing: (support: string) =>
      `Los correos a su dirección están rebotando: no le llegarán enlaces de restablecimiento ni avisos de seguridad. Revise que la dirección exista y acepte correo, o escríbanos a ${support}.`,
    // Confirmed from another device: the password and name chosen at sign-up were discarded (see confirmEmail). Said as a warning, with why.
    createPassword:
      'Su correo electrónico fue confirmado. Su cuenta aún no tiene contraseña: como confirmó el correo en un dispositivo distinto del que usó para crear la cuenta, no conservamos la contraseña ni el nombre que escribió allí: así nadie que use su correo sin usted puede dejarle una contraseña suya. Antes de continuar, escriba su nombre, elija una contraseña aquí abajo y presione GUARDAR PERFIL.',
    identityConfirmed: 'Ya confirmamos que es usted. Elija su nueva contraseña aquí abajo y presione GUARDAR PERFIL: ya no le pediremos la actual.',
    retypeAfterReauth:
      'Ya confirmamos que es usted. Por su seguridad no conservamos las contraseñas que escribió: escriba de nuevo la nueva contraseña, confírmela y presione GUARDAR PERFIL.',
    choosePassword: 'Entró con su enlace de acceso. Si olvidó su contraseña, elija una nueva aquí abajo y presione GUARDAR PERFIL.',
  },
  switchAccount: {
    notice: (current: string, target: string) =>
      `Ahora tiene abierta la sesión de ${current}. Este enlace es de la cuenta ${target}: si continúa, cerraremos su sesión actual y entrará como ${target}.`,
  },
  menu: {
    label: 'Menú del usuario',
    profile: 'Perfil',
    security: 'Seguridad',
    logout: 'Cerrar sesión',
  },
  security: {
    title: 'Seguridad',
    intro: 'Dónde tiene abierta su cuenta y lo que pasó en ella. Si ve algo que no reconoce, cierre esa sesión y cambie su contraseña.',
    back: 'Volver al perfil',
    link: 'Sesiones activas y actividad de seguridad',
    review: {
      title: 'Su contraseña fue restablecida. Esto es lo que puede entrar en su cuenta ahora:',
      thisSession: (device: string) => `Esta sesión (${device}) con su nueva contraseña.`,
      passkey: (name: string) => `La llave de acceso «${name}».`,
      noPasskeys: 'Ninguna llave de acceso.',
      closedTitle: 'Lo que cerramos al restablecerla:',
      sessions: (n: number) =>
        n === 0 ? 'No había otras sesiones abiertas.' : n === 1 ? 'Cerramos 1 sesión abierta en otro lugar.' : `Cerramos ${n} sesiones abiertas en otros lugares.`,
      passkeys: (n: number) => (n === 0 ? 'No eliminamos ninguna llave de acceso.' : n === 1 ? 'Eliminamos 1 llave de acceso.' : `Eliminamos ${n} llaves de acceso.`),
      browsers: (n: number) =>
        n === 0
          ? 'No había otros navegadores conocidos.'
          : `Olvidamos ${n === 1 ? '1 navegador' : `${n} navegadores`}: si alguien vuelve a entrar desde ${n === 1 ? 'él' : 'uno de ellos'}, le avisaremos por correo.`,
      apps: 'Los permisos que las apps ya habían recibido pueden seguir valiendo hasta 5 minutos.',
      addPasskey: 'Agregar una llave de acceso en este dispositivo',
      onward: 'Continuar',
    },
  },
  inline: {
    ok: 'Las contraseñas coinciden.',
  },
  errors: {
    nameRequired: 'Ingrese su nombre.',
    nameTooLong: 'El nombre debe tener como máximo 100 caracteres.',
    nameControl: 'Escriba su nombre en una sola línea, sin tabulaciones ni caracteres de control.',
    nameInvisible: 'Su nombre no puede tener caracteres invisibles ni marcas que cambian la dirección del texto.',
    emailRequired: 'Ingrese su correo electrónico.',
    emailInvalid: 'Ingrese un correo electrónico válido, por ejemplo nombre@empresa.com.',
    emailOnlyAddress: 'Escriba solo la dirección de correo, por ejemplo nombre@empresa.com, sin nombre, espacios, comillas, paréntesis ni signos como < > , ; o :.',
    passwordRequired: 'Ingrese una contraseña.',
    currentPasswordRequired: 'Ingrese su contraseña.',
    passwordTooShort: 'La contraseña debe tener al menos 6 caracteres.',
    passwordTooLong: 'La contraseña debe tener como máximo 256 caracteres.',
    passwordMismatch: 'Las contraseñas no coinciden.',
    passwordCommon: 'Esta contraseña es demasiado común. Elija otra más difícil de adivinar.',
    passwordPersonal: 'No use su nombre ni su correo electrónico como contraseña.',
    confirmationRequired: 'Vuelva a escribir la contraseña para confirmarla.',
    currentPasswordWrong: 'La contraseña actual no es correcta.',
    currentPasswordEmpty: 'Ingrese su contraseña actual.',
    // Passwords are never written back into a page: the person is told which fields to type again.
    retypeNewPassword: 'Por su seguridad no conservamos lo que escribió aquí: vuelva a escribir la nueva contraseña.',
    retypeConfirmation: 'Vuelva a escribir la nueva contraseña para confirmarla.',
    // Read first (the new password is the first field marked): it names the cause, further down the form.
    retypeNewPasswordCurrentRefused:
      'Su contraseña no cambió: revise su contraseña actual, más abajo. Por su seguridad no conservamos lo que escribió aquí: vuelva a escribir la nueva contraseña.',
    retypeCurrent: 'Por su seguridad no conservamos lo que escribió aquí: vuelva a escribir su contraseña actual.',
    newPasswordMissing: 'Su contraseña no cambió: escriba aquí la nueva contraseña y confírmela abajo.',
    currentPasswordThrottled: (minutes: number) =>
      `Demasiados intentos con una contraseña incorrecta. Por su seguridad, espere ${minutes} ${minutes === 1 ? 'minuto' : 'minutos'} antes de volver a intentarlo. Su sesión sigue abierta.`,
    firstPasswordNeedsFreshSignIn:
      'Por su seguridad, para elegir la primera contraseña de su cuenta necesitamos saber que es usted: cierre sesión y vuelva a entrar con un enlace de acceso; tendrá 10 minutos para elegirla.',
    closeOthersNeedsFreshSignIn:
      'Por su seguridad, para cerrar las demás sesiones necesitamos saber que es usted: reciba un enlace de acceso en su correo y vuelva a intentarlo; tendrá 10 minutos.',
    passwordChangedMeanwhile: 'Su contraseña acaba de cambiar desde otro lugar. Vuelva a escribir la contraseña actual.',
    formTitle: 'Revise los campos marcados.',
    forbiddenTitle: 'Solicitud rechazada',
    forbidden: 'Por su seguridad rechazamos este envío porque no vino de esta página. Vuelva a intentarlo desde el formulario.',
    tooLargeTitle: 'Envío demasiado grande',
    tooLarge: 'Los datos enviados son demasiado grandes. Revise el formulario y vuelva a intentarlo.',
    tooLargeLimits: 'El nombre admite hasta 100 caracteres, el correo electrónico hasta 254 y cada contraseña hasta 256.',
    notFoundTitle: 'Página no encontrada',
    notFound: 'La página que busca no existe.',
    serverTitle: 'Algo salió mal',
    server: 'No pudimos completar su solicitud. Vuelva a intentarlo en unos minutos.',
    goHome: 'Ir al inicio',
  },
  mail: {
    ignore: 'Si no fue usted, ignore este correo: su cuenta sigue segura.',
    ignoreUnconfirmed: 'Si no creó esta cuenta, ignore este correo.',
    validFor: (what: string) => `Este enlace vence en ${what} y solo puede usarse una vez.`,
    oneHour: '1 hora',
    oneDay: '24 horas',
    greeting: (name: string) => `Hola ${name}:`,
    greetingPlain: 'Hola:',
    verifySubject: 'Confirme su correo electrónico',
    verifyIntro: 'Gracias por crear su cuenta. Para confirmar su correo electrónico, abra este enlace y presione el botón:',
    verifyButton: 'Confirmar mi correo',
    existsSubject: 'Alguien intentó crear una cuenta con su correo',
    existsIntro:
      'Alguien (quizás usted) intentó crear una cuenta nueva con este correo, pero usted ya tiene una. Puede iniciar sesión aquí:',
    existsForgot: 'Si olvidó su contraseña, puede restablecerla aquí:',
    resetSubject: 'Instrucciones para restablecer su contraseña',
    resetIntro: 'Recibimos una solicitud para restablecer la contraseña de su cuenta. Para elegir una nueva, abra este enlace:',
    resetButton: 'Restablecer mi contraseña',
    accessLinkSubject: 'Su enlace de acceso',
    accessLinkIntro: 'Para entrar a su cuenta, abra este enlace de acceso y presione el botón:',
    accessLinkButton: 'Entrar a mi cuenta',
    accessLinkCode: 'O escriba este código en el dispositivo donde lo pidió:',
    accessLinkValidFor: 'El enlace y el código vencen en 15 minutos y sirven una sola vez. Usar uno anula el otro.',
    newSignInSubject: 'Nuevo inicio de sesión en su cuenta',
    newSignInIntro: (method: string) => `Alguien inició sesión en su cuenta (${method}) desde un dispositivo que no habíamos visto:`,
    newSignInButton: 'Revisar mis sesiones',
    newSignInNotYou: 'Si no fue usted, cierre esa sesión en «Revisar mis sesiones» y siga estos pasos.',
    changedSubject: 'Su contraseña fue cambiada',
    changedIntro: (when: string, where: string) => `La contraseña de su cuenta fue cambiada el ${when} desde ${where}.`,
    changedSessions: 'Por su seguridad cerramos las sesiones abiertas en otros dispositivos.',
    // What to do if it was not you, the same in every security mail: recovery first, then a person to answer.
    notYouReset:
      'Si no fue usted, restablezca su contraseña ahora con este enlace: cerraremos todas las sesiones abiertas, eliminaremos las llaves de acceso que no decida conservar y quien tenga su contraseña anterior ya no podrá entrar.',
    notYouSupport: (support: string) => `Luego escríbanos a ${support} (o responda a este correo) para que revisemos su cuenta con usted.`,
    unknownPlace: 'un lugar desconocido',
  },
  activity: {
    title: 'Actividad de seguridad',
    empty: 'Aún no hay actividad.',
    types: {
      sign_in: 'Inicio de sesión',
      sign_in_failed: 'Intento de inicio de sesión fallido',
      reset_requested: 'Pidió restablecer la contraseña',
      password_changed: 'Contraseña cambiada',
      session_revoked: 'Sesión cerrada',
      sessions_revoked: 'Sesiones cerradas',
      email_verified: 'Correo electrónico confirmado',
      reauthentication_failed: 'Contraseña actual incorrecta en el perfil',
      passkey_added: 'Llave de acceso agregada',
      passkey_removed: 'Llave de acceso eliminada',
    } as Record<string, string>,
    methods: {
      password: 'con contraseña',
      link: 'con un enlace de acceso',
      code: 'con el código de un enlace de acceso',
      verification: 'al confirmar el correo',
      reset: 'al restablecer la contraseña',
      passkey: 'con una llave de acceso',
    } as Record<string, string>,
  },
  sessions: {
    title: 'Sesiones activas',
    thisOne: 'Este dispositivo',
    started: 'Inició',
    lastSeen: 'Última actividad',
    revoke: 'Cerrar sesión',
    // Starts with the visible "Cerrar sesión" (WCAG 2.5.3, label in name), then says which one.
    revokeLabel: (device: string, started: string) => `Cerrar sesión: ${device}, iniciada el ${started}`,
    revokeHere: 'Cerrar sesión aquí',
    revokeHereConfirm: 'Se cerrará la sesión en este dispositivo y tendrá que volver a iniciarla.',
    revokeHereSubmit: 'SÍ, CERRAR SESIÓN AQUÍ',
    revokeOthers: 'Cerrar todas las demás sesiones',
    revokeOthersReauth: 'Por su seguridad, ingrese su contraseña actual para cerrar las demás sesiones.',
    revokeOthersLink: 'Reciba un enlace de acceso',
    revoked: 'Cerramos la sesión.',
    othersRevoked: 'Cerramos todas las demás sesiones.',
    unknownPlace: 'Lugar desconocido',
  },
  throttled: {
    title: 'Demasiados intentos',
    body: (minutes: number) =>
      `Por su seguridad pausamos los intentos con contraseña para este correo durante ${minutes} ${minutes === 1 ? 'minuto' : 'minutos'}. Si es su cuenta, puede entrar ahora mismo con un enlace de acceso.`,
    tooFast: 'Demasiadas solicitudes desde su conexión. Espere un minuto y vuelva a intentarlo.',
  },
  passkeys: {
    title: 'Llaves de acceso',
    intro:
      'Entre sin contraseña, con la huella, el rostro o el bloqueo de pantalla de su dispositivo. Una llave de acceso solo funciona en este sitio: una página falsa no puede pedírsela.',
    add: 'Agregar una llave de acceso',
    addPassword: 'Para agregar una llave de acceso, ingrese su contraseña actual en «Contraseña actual», más arriba.',
    signIn: 'Iniciar sesión con una llave de acceso',
    created: 'Creada',
    lastUsed: 'Último uso',
    neverUsed: 'Aún no se usó',
    defaultName: (device: string, day: string) => `${device} · agregada el ${day}`,
    manage: 'Cambiar nombre o eliminar',
    nameLabel: 'Nombre de la llave',
    rename: 'Cambiar nombre',
    remove: 'Eliminar esta llave…',
    removeConfirm: (name: string) =>
      `¿Eliminar la llave de acceso «${name}»? Ya no podrá entrar con ella. Su contraseña y los enlaces de acceso siguen funcionando.`,
    removeSubmit: 'Sí, eliminar la llave',
    recovery:
      'Si pierde todos sus dispositivos con llaves de acceso, entre con su contraseña o con «Recibir un enlace de acceso»: el enlace por correo siempre funciona.',
    added: 'Agregamos la llave de acceso. Ya puede usarla para iniciar sesión.',
    removed: 'Eliminamos la llave de acceso. Ya no sirve para entrar; su contraseña y los enlaces de acceso siguen funcionando.',
    renamed: 'Cambiamos el nombre de la llave de acceso.',
    nameInvalid: 'Escriba un nombre de hasta 64 caracteres, en una sola línea, sin caracteres invisibles.',
    // One message for every failed check: it must not say which one failed.
    signInFailed: 'No pudimos iniciar sesión con esa llave de acceso. Vuelva a intentarlo, o entre con su contraseña o un enlace de acceso.',
    registerFailed: 'No pudimos agregar la llave de acceso. Vuelva a intentarlo.',
    cancelled: 'No se completó la operación con la llave de acceso. Puede volver a intentarlo.',
    alreadyRegistered: 'Este dispositivo ya tiene una llave de acceso para su cuenta.',
    signInAgain:
      'Por su seguridad, para agregar una llave de acceso cierre sesión y vuelva a entrar; tendrá 10 minutos para agregarla.',
    mail: {
      added: {
        subject: 'Se agregó una llave de acceso a su cuenta',
        intro: (name: string, when: string, where: string) => `Se agregó la llave de acceso «${name}» a su cuenta el ${when} desde ${where}.`,
        meaning: 'Con ella se puede iniciar sesión en su cuenta sin contraseña.',
        notYou: 'Si no fue usted, elimine esa llave en su perfil:',
      },
      removed: {
        subject: 'Se eliminó una llave de acceso de su cuenta',
        intro: (name: string, when: string, where: string) => `Se eliminó la llave de acceso «${name}» de su cuenta el ${when} desde ${where}.`,
        meaning: 'Ya no sirve para iniciar sesión. Su contraseña y los enlaces de acceso siguen funcionando.',
        notYou: 'Si no fue usted, revise sus llaves de acceso en su perfil:',
      },
    },
  },
  dev: {
    title: 'Buzón de desarrollo',
    intro: 'La bandeja de salida (outbox) en desarrollo local: cada correo con su estado. Nada de esto sale a Internet.',
    empty: 'Aún no hay correos.',
    attempts: 'intentos:',
    withheld: 'RETENIDO: no se envió.',
    withheldIp: (limit: number) => `La IP que lo pidió pasó su límite de ${limit} correos por hora.`,
    withheldAddress: (limit: number) => `La dirección ya recibió ${limit} correos de este tipo en 15 minutos (su presupuesto).`,
    withheldConfirmed: 'La dirección ya está confirmada: «Reenviar el correo» solo envía la confirmación a una cuenta sin confirmar.',
  },
}
