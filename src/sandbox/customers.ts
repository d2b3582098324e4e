import type { Control } from '../emulator/index.ts'
import type { Logger } from '../log.ts'
import type { SandboxCustomer } from './sandbox-seed.ts'

// The Sandbox's simulated customers write in now and then, each in their own language, to the
// number they know; the emulator's auto-reply mode makes them answer what the business sends.
// Timers only: nothing here is state worth keeping across a restart.

const lines: Record<string, string[]> = {
  es: [
    'Hola, ¿tenéis pan sin gluten hoy?',
    '¿Me podéis enviar la factura del pedido PO-12345?',
    'Buenos días, ¿a qué hora cerráis el sábado?',
    '¡Gracias por el envío! Todo perfecto 😊',
  ],
  pt: [
    'Olá! Vocês entregam no sábado?',
    'Meu pedido ainda não chegou, podem verificar?',
    'Qual é o prazo para trocar um produto?',
  ],
  en: [
    'Hi, is my order on its way?',
    'Can I change the delivery address for my last order?',
    'Do you have this in a larger size?',
  ],
  fr: ['Bonjour, vous livrez le dimanche ?', 'Est-ce que je peux annuler ma commande ?', 'Merci beaucoup !'],
  de: ['Hallo, kann ich meine Bestellung noch ändern?', 'Wie lange dauert der Versand nach Berlin?'],
}

export type CustomerSimulationOptions = {
  /** The first customer writes this long after start, so a newcomer sees a message at once. */
  firstAfterMs?: number
  /** Then one message every [min, max] ms. */
  everyMs?: readonly [number, number]
}

export type CustomerSimulation = { stop(): void; sent(): number }

export function startCustomerSimulation(
  control: Control,
  customers: readonly SandboxCustomer[],
  log: Logger,
  options: CustomerSimulationOptions = {},
): CustomerSimulation {
  const [min, max] = options.everyMs ?? [45_000, 120_000]
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let turn = 0
  let sent = 0

  const writeOne = () => {
    const customer = customers[turn % customers.length]
    const pool = lines[customer.language] ?? lines.en
    const body = pool[Math.floor(turn / customers.length) % pool.length]
    turn++
    try {
      control.customerSends(
        customer.waId,
        { type: 'text', text: { body } },
        { phoneNumberId: customer.writesTo },
      )
      sent++
    } catch (err) {
      log.warn({ waId: customer.waId, err: (err as Error).message }, 'sandbox customer could not write')
    }
  }
  const schedule = (ms: number) => {
    if (stopped) return
    timer = setTimeout(() => {
      writeOne()
      schedule(min + Math.random() * Math.max(0, max - min))
    }, ms)
    timer.unref()
  }
  schedule(options.firstAfterMs ?? 2000)
  return {
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
    sent: () => sent,
  }
}
