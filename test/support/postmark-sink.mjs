#!/usr/bin/env node
// A Postmark-compatible mail sink on loopback, for running the app against
// something that speaks Postmark's HTTP API without an account:
//
//   node test/support/postmark-sink.mjs 4010
//   npx wrangler dev --var POSTMARK_SERVER_TOKEN:dev-token \
//     --var POSTMARK_API_URL:http://127.0.0.1:4010
//
// Every POST /email is checked like Postmark does (server token header,
// From/To/Subject), printed as one JSON line, and kept; GET /messages
// returns all received mails as JSON (for scripts and browser tests).
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'

const port = Number(process.argv[2] ?? process.env.PORT ?? 4010)
const expectedToken = process.env.POSTMARK_SERVER_TOKEN // optional: reject other tokens, as Postmark would
const messages = []

const server = createServer(async (req, res) => {
  const reply = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  if (req.method === 'GET' && req.url === '/messages') return reply(200, messages)
  if (req.method !== 'POST' || req.url !== '/email') return reply(404, { ErrorCode: 404, Message: 'Not found' })
  let raw = ''
  for await (const chunk of req) raw += chunk
  const token = req.headers['x-postmark-server-token']
  if (!token || (expectedToken && token !== expectedToken)) {
    return reply(401, { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' })
  }
  let mail
  try {
    mail = JSON.parse(raw)
  } catch {
    return reply(422, { ErrorCode: 402, Message: 'Invalid JSON' })
  }
  if (!mail.From || !mail.To || !mail.Subject) return reply(422, { ErrorCode: 300, Message: 'Invalid email request' })
  const received = { serverToken: token, receivedAt: new Date().toISOString(), ...mail }
  messages.push(received)
  console.log(JSON.stringify(received))
  reply(200, { To: mail.To, SubmittedAt: received.receivedAt, MessageID: randomUUID(), ErrorCode: 0, Message: 'OK' })
})

server.listen(port, '127.0.0.1', () => console.error(`postmark sink on http://127.0.0.1:${port}`))
