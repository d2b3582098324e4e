// Wahub's website chat widget (served at /widget.js; decision 0068). Framework-free, no build
// step: <script src="https://wahub.example.com/widget.js" data-key="pk_…" async></script>
// Optional: data-lang="es|pt|th|en", data-title="…"; a page with a CAPTCHA defines
// window.wahubCaptchaToken = async () => token, sent as captchaToken.
;(() => {
  const script = document.currentScript
  const key = script?.dataset.key
  if (!script || !key) return
  const endpoint = new URL('/api/v1/widget/messages', script.src)
  endpoint.searchParams.set('key', key)
  const texts = {
    en: [
      'Chat with us on WhatsApp',
      'Your name',
      'Your WhatsApp number',
      'How can we help?',
      'Send',
      'Thanks! We sent you a WhatsApp message.',
      'Thanks! Continue on WhatsApp',
      'Sorry, that did not work:',
    ],
    es: [
      'Escríbenos por WhatsApp',
      'Tu nombre',
      'Tu número de WhatsApp',
      '¿En qué podemos ayudarte?',
      'Enviar',
      '¡Gracias! Te enviamos un mensaje por WhatsApp.',
      '¡Gracias! Continúa en WhatsApp',
      'Lo sentimos, no funcionó:',
    ],
    pt: [
      'Fale conosco no WhatsApp',
      'Seu nome',
      'Seu número do WhatsApp',
      'Como podemos ajudar?',
      'Enviar',
      'Obrigado! Enviamos uma mensagem no WhatsApp.',
      'Obrigado! Continue no WhatsApp',
      'Desculpe, não funcionou:',
    ],
    th: [
      'แชทกับเราทาง WhatsApp',
      'ชื่อของคุณ',
      'หมายเลข WhatsApp ของคุณ',
      'ให้เราช่วยอะไรได้บ้าง',
      'ส่ง',
      'ขอบคุณ! เราส่งข้อความ WhatsApp ถึงคุณแล้ว',
      'ขอบคุณ! ไปต่อใน WhatsApp',
      'ขออภัย ส่งไม่สำเร็จ:',
    ],
  }
  const lang = (script.dataset.lang || document.documentElement.lang || 'en').slice(0, 2).toLowerCase()
  const [title, nameL, phoneL, messageL, sendL, sentL, linkL, failL] = texts[lang] || texts.en
  const host = document.createElement('div')
  host.setAttribute('data-wahub-widget', '')
  const root = host.attachShadow({ mode: 'open' })
  root.innerHTML = `<style>
  :host{all:initial}.b{position:fixed;right:20px;bottom:20px;z-index:2147483000;background:#25d366;color:#fff;border:0;border-radius:24px;padding:12px 18px;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px #0003}
  form,.r{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:300px;max-width:calc(100vw - 40px);background:#fff;color:#111;border-radius:12px;padding:16px;box-shadow:0 4px 24px #0004;font:14px system-ui,sans-serif;display:grid;gap:8px}
  label{display:grid;gap:4px}input,textarea{font:inherit;padding:8px;border:1px solid #bbb;border-radius:6px}button[type=submit]{background:#128c7e;color:#fff;border:0;border-radius:6px;padding:10px;font:600 15px system-ui,sans-serif;cursor:pointer}
  .h{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}[hidden]{display:none}a{color:#128c7e;font-weight:600}
  </style>
  <button class="b" type="button" aria-expanded="false"></button>
  <form hidden>
    <strong></strong>
    <label><span></span><input name="name" required maxlength="100" autocomplete="name"></label>
    <label><span></span><input name="phone" required maxlength="40" type="tel" autocomplete="tel"></label>
    <label><span></span><textarea name="message" required maxlength="2000" rows="3"></textarea></label>
    <label class="h" aria-hidden="true">Website<input name="website" tabindex="-1" autocomplete="off"></label>
    <button type="submit"></button>
  </form>
  <div class="r" role="status" hidden></div>`
  const toggle = root.querySelector('.b')
  const form = root.querySelector('form')
  const result = root.querySelector('.r')
  toggle.textContent = title
  form.querySelector('strong').textContent = title
  const spans = form.querySelectorAll('label span')
  spans[0].textContent = nameL
  spans[1].textContent = phoneL
  spans[2].textContent = messageL
  form.querySelector('button[type=submit]').textContent = sendL
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden
    result.hidden = true
    toggle.setAttribute('aria-expanded', String(!form.hidden))
  })
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const data = Object.fromEntries(new FormData(form))
    const body = { name: data.name, phone: data.phone, message: data.message, website: data.website || '' }
    if (typeof window.wahubCaptchaToken === 'function') body.captchaToken = await window.wahubCaptchaToken()
    form.querySelector('button[type=submit]').disabled = true
    let answer
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      answer = await res.json()
      if (!res.ok) throw new Error(answer?.error?.message || `HTTP ${res.status}`)
    } catch (err) {
      result.textContent = `${failL} ${err.message}`
      result.hidden = false
      form.querySelector('button[type=submit]').disabled = false
      return
    }
    form.hidden = true
    result.textContent = ''
    if (answer.link) {
      const a = document.createElement('a')
      a.href = answer.link
      a.target = '_blank'
      a.rel = 'noopener'
      a.textContent = linkL
      result.append(a)
    } else result.textContent = sentL
    result.hidden = false
  })
  document.body.append(host)
})()
