import sjson from 'secure-json-parse'
import { FULL_REQUEST } from './application.ts'
const text = JSON.stringify(FULL_REQUEST)
console.log(text.length, Buffer.byteLength(text), /[^\x00-\x7f]/.test(text))
const N = 50000
const t = (name: string, f: () => unknown) => { for (let i=0;i<5000;i++) f(); const s = process.cpuUsage(); for (let i=0;i<N;i++) f(); const u = process.cpuUsage(s); console.log(name.padEnd(30), ((u.user+u.system)/N).toFixed(2), 'µs') }
const buf = Buffer.from(text)
for (let r=0;r<3;r++){
t('JSON.parse', () => JSON.parse(text))
t('sjson.parse', () => sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }))
t('buf.toString + JSON.parse', () => JSON.parse(buf.toString()))
t('includes x2', () => text.includes('__proto__') || text.includes('constructor'))
}
