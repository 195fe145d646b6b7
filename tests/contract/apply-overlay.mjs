// tests/contract/apply-overlay.mjs — apply overlay.json (RFC 6902 JSON Patch operations, each
// with a "why" member that JSON Patch ignores) to the OpenAPI document.
//
//   node apply-overlay.mjs SPEC OVERLAY OUT
//
// Supports the operations the overlay uses: add, remove, replace, test. Any failure (an
// unknown op, a path that does not resolve, a failed "test", a missing "why", a value that
// the document already has) is an error, so that an overlay entry which the official
// document has caught up with is noticed and removed rather than silently kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const [specFile, overlayFile, outFile] = process.argv.slice(2);
if (!outFile) {
    console.error('usage: node apply-overlay.mjs SPEC OVERLAY OUT');
    process.exit(2);
}
const doc = JSON.parse(readFileSync(specFile, 'utf8'));
const overlay = JSON.parse(readFileSync(overlayFile, 'utf8'));

function tokens(pointer) {
    if (pointer === '') return [];
    if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
    return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

// The container that holds the last token, and that token.
function locate(pointer) {
    const t = tokens(pointer);
    if (t.length === 0) throw new Error('the whole document cannot be patched');
    let node = doc;
    for (const key of t.slice(0, -1)) {
        if (node === null || typeof node !== 'object' || !(key in node))
            throw new Error(`${pointer}: "${key}" does not exist`);
        node = node[key];
    }
    if (node === null || typeof node !== 'object') throw new Error(`${pointer}: parent is not a container`);
    return [node, t[t.length - 1]];
}

function index(arr, key, pointer, allowEnd) {
    if (allowEnd && key === '-') return arr.length;
    if (!/^(0|[1-9][0-9]*)$/.test(key)) throw new Error(`${pointer}: bad array index`);
    const i = Number(key);
    if (i > arr.length || (!allowEnd && i >= arr.length)) throw new Error(`${pointer}: index out of range`);
    return i;
}

function get(pointer) {
    const [parent, key] = locate(pointer);
    if (Array.isArray(parent)) return parent[index(parent, key, pointer, false)];
    if (!(key in parent)) throw new Error(`${pointer}: does not exist`);
    return parent[key];
}

const ops = overlay.operations;
if (!Array.isArray(ops)) throw new Error(`${overlayFile}: no "operations" array`);
ops.forEach((op, n) => {
    const where = `${overlayFile}: operation ${n + 1} (${op.op} ${op.path})`;
    try {
        if (typeof op.why !== 'string' || !op.why) throw new Error('no "why"');
        const [parent, key] = locate(op.path);
        switch (op.op) {
        case 'test':
            if (!isDeepStrictEqual(get(op.path), op.value))
                throw new Error(`test failed: found ${JSON.stringify(get(op.path))}`);
            break;
        case 'add':
            if (Array.isArray(parent)) {
                if (parent.some((v) => isDeepStrictEqual(v, op.value)))
                    throw new Error(`${JSON.stringify(op.value)} is already there: drop this entry`);
                parent.splice(index(parent, key, op.path, true), 0, op.value);
            } else {
                if (key in parent) throw new Error('already exists: drop this entry or use replace');
                parent[key] = op.value;
            }
            break;
        case 'remove':
            get(op.path);
            if (Array.isArray(parent)) parent.splice(index(parent, key, op.path, false), 1);
            else delete parent[key];
            break;
        case 'replace':
            if (isDeepStrictEqual(get(op.path), op.value)) throw new Error('no change: drop this entry');
            if (Array.isArray(parent)) parent[index(parent, key, op.path, false)] = op.value;
            else parent[key] = op.value;
            break;
        default:
            throw new Error(`unsupported op "${op.op}"`);
        }
    } catch (e) {
        console.error(`${where}: ${e.message}`);
        process.exit(1);
    }
});
writeFileSync(outFile, JSON.stringify(doc, null, 1) + '\n');
