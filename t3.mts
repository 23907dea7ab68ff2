import { PGlite } from '@electric-sql/pglite';
let t = Date.now();
const a = await PGlite.create();
console.log('create', Date.now() - t); t = Date.now();
const b = await a.clone();
console.log('clone', Date.now() - t); t = Date.now();
const c = await PGlite.create();
console.log('create2', Date.now() - t); t = Date.now();
await b.query('select 1');
