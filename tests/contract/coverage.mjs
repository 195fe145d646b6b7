// tests/contract/coverage.mjs — did the contract cases send every field of every request body?
//
//   node coverage.mjs SPEC PRISM_LOG
//
// Reads the request bodies that Prism forwarded (its debug lines '> Forwarding "post" request
// to URL...' and '> Body: JSON') and, for each POST operation of SPEC that takes a JSON body,
// checks that the bodies sent to it used every property of its schema at least once; and that
// GET /v2/{endpoint}/{id} was called with every value of {endpoint}. Requests that Prism
// rejected are not forwarded, so they do not count. Prints one line per operation; exits 1 if
// an operation was never called or a property or endpoint value was never used.
import { readFileSync } from 'node:fs';

const [specFile, logFile] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const seen = new Map(); // path -> Set of keys
const polled = new Set(); // {endpoint} values of GET /v2/{endpoint}/{id}
let path = null;
for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const get = line.match(/> Forwarding "get" request to \S+?\/v2\/([^/]+)\/[^/]+\.\.\.$/);
    if (get) polled.add(get[1]);
    const fwd = line.match(/> Forwarding "post" request to (\S+?)\.\.\.$/);
    if (fwd) {
        path = new URL(fwd[1]).pathname;
        continue;
    }
    const body = line.match(/> Body: (\{.*\})$/);
    if (body && path) {
        let keys = [];
        try {
            keys = Object.keys(JSON.parse(body[1]));
        } catch {
            // not a request body (the response bodies are logged too, as stream dumps)
        }
        if (!seen.has(path)) seen.set(path, new Set());
        keys.forEach((k) => seen.get(path).add(k));
        path = null;
    }
}

function deref(schema) {
    while (schema && schema.$ref) {
        schema = schema.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o[k], spec);
    }
    return schema;
}

let bad = 0;
for (const [p, item] of Object.entries(spec.paths)) {
    const schema = deref(item.post?.requestBody?.content?.['application/json']?.schema);
    if (!schema) continue;
    const props = Object.keys(schema.properties || {});
    const got = seen.get(p);
    const missing = got ? props.filter((k) => !got.has(k)) : props;
    if (!got) {
        console.log(`FAIL: coverage: POST ${p}: never called`);
        bad++;
    } else if (missing.length) {
        console.log(`FAIL: coverage: POST ${p}: never sent ${missing.join(', ')}`);
        bad++;
    } else {
        console.log(`ok: coverage: POST ${p}: all ${props.length} fields sent`);
    }
}
for (const [p, item] of Object.entries(spec.paths)) {
    const param = item.get?.parameters?.find((x) => x.in === 'path' && x.name === 'endpoint');
    if (!param) continue;
    const values = deref(param.schema).enum || [];
    const missing = values.filter((v) => !polled.has(v));
    if (missing.length) {
        console.log(`FAIL: coverage: GET ${p}: never polled ${missing.join(', ')}`);
        bad++;
    } else {
        console.log(`ok: coverage: GET ${p}: polled all ${values.length} endpoints`);
    }
}
process.exit(bad ? 1 : 0);
