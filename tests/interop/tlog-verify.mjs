#!/usr/bin/env node
// tlog-verify.mjs -- an independent verifier of redress's published log
// state, for Node.js 20 with nothing but its standard library.
//
// It is written from the specifications, not from redress's C code, so that
// a monitor can check the log without trusting our implementation:
//
//   signed notes      c2sp.org/signed-note (Ed25519, signature type 0x01)
//   checkpoints       c2sp.org/tlog-checkpoint
//   inclusion proofs  RFC 9162, section 2.1.3.2
//   consistency       RFC 9162, section 2.1.4.2
//
// Usage:
//   node tlog-verify.mjs checkpoint  VKEY_FILE CHECKPOINT_FILE
//   node tlog-verify.mjs inclusion   VKEY_FILE CHECKPOINT_FILE LEAF_FILE PROOF_JSON
//   node tlog-verify.mjs consistency VKEY_FILE OLD_CHECKPOINT NEW_CHECKPOINT PROOF_JSON
//
// A success prints "ok ..." and exits 0; anything else prints why on stderr
// and exits 1.  Proof files are JSON: {"leaf_index":N,"tree_size":M,
// "hashes":[base64,...]} and {"old_size":N,"tree_size":M,"hashes":[...]}.
// Sizes and indexes are JSON numbers up to 2^53-1 or decimal strings (for
// anything larger, which JSON numbers cannot carry exactly).

import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

class VerifyError extends Error {}

function fail(msg) {
	throw new VerifyError(msg);
}

// The specification's limit on signatures read; it must be at least 16.
const MAX_SIGNATURES = 100;
// A proof longer than this cannot belong to any tree of 2^64 leaves or fewer.
const MAX_PROOF_HASHES = 130;
const HASH_SIZE = 32;
const UINT64_MAX = (1n << 64n) - 1n;
const ALG_ED25519 = 0x01;
const EM_DASH_SPACE = Buffer.from('\u2014 ', 'utf8');
// DER SubjectPublicKeyInfo header for a raw 32-byte Ed25519 key (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
// Unicode White_Space: what Go's unicode.IsSpace tests and the signed-note
// specification forbids in key names.  (JavaScript's \s differs: it lacks
// U+0085 and has U+FEFF.)
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

// ---- primitives ----

function sha256(...parts) {
	const h = createHash('sha256');
	for (const p of parts) h.update(p);
	return h.digest();
}

// Strict RFC 4648 section 4 base64: the standard alphabet, padding
// required, no white space, and the unused bits of the last group zero, so
// that every value has exactly one accepted spelling.
function decodeBase64(s, what) {
	if (typeof s !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s))
		fail(`${what} is not base64`);
	const b = Buffer.from(s, 'base64');
	if (b.toString('base64') !== s) fail(`${what} is not canonical base64`);
	return b;
}

function utf8Decode(bytes, what) {
	try {
		return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch {
		fail(`${what} is not valid UTF-8`);
	}
}

function isValidKeyName(name) {
	return name.length > 0 && !name.includes('+') && !UNICODE_SPACE.test(name) && !/[\u0000-\u001f]/.test(name);
}

// ---- signed notes ----

// Parses "NAME+HEX8+BASE64(0x01 || 32-byte key)".
function parseVerifierKey(text) {
	const p1 = text.indexOf('+');
	if (p1 < 0) fail('verifier key: expected NAME+HASH+KEY');
	const p2 = text.indexOf('+', p1 + 1);
	if (p2 < 0) fail('verifier key: expected NAME+HASH+KEY');
	const name = text.slice(0, p1);
	const hashHex = text.slice(p1 + 1, p2);
	if (!isValidKeyName(name)) fail('verifier key: invalid key name');
	if (!/^[0-9a-fA-F]{8}$/.test(hashHex)) fail('verifier key: key hash is not 8 hex digits');
	const raw = decodeBase64(text.slice(p2 + 1), 'verifier key: key');
	if (raw.length === 0) fail('verifier key: empty key');
	const keyHash = Buffer.from(hashHex, 'hex');
	// The key ID is SHA-256(name || 0x0A || type || key)[:4].
	if (!sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a]), raw).subarray(0, 4).equals(keyHash))
		fail('verifier key: key hash does not match name and key');
	if (raw[0] !== ALG_ED25519) fail(`verifier key: signature type 0x${raw[0].toString(16)} is not Ed25519`);
	if (raw.length !== 33) fail('verifier key: Ed25519 key is not 32 bytes');
	const key = createPublicKey({
		key: Buffer.concat([ED25519_SPKI_PREFIX, raw.subarray(1)]),
		format: 'der',
		type: 'spki',
	});
	return { name, keyHash, key, text };
}

// Verifies a signed note against one verifier key and returns its text
// (a Buffer, with its final newline).
function openNote(msg, vkey) {
	// Well-formed: valid UTF-8 with no ASCII control character but newline.
	utf8Decode(msg, 'note');
	for (let i = 0; i < msg.length; i++)
		if (msg[i] < 0x20 && msg[i] !== 0x0a) fail(`note: control character at byte ${i}`);

	// The text ends at the last blank line; signature lines follow.
	let split = -1;
	for (let i = msg.length - 2; i >= 0; i--) {
		if (msg[i] === 0x0a && msg[i + 1] === 0x0a) {
			split = i;
			break;
		}
	}
	if (split < 0) fail('note: no blank line before the signatures');
	const text = msg.subarray(0, split + 1);
	const sigs = msg.subarray(split + 2);
	if (sigs.length === 0) fail('note: no signature lines');
	if (sigs[sigs.length - 1] !== 0x0a) fail('note: last signature line does not end in a newline');

	const lines = sigs.subarray(0, sigs.length - 1).toString('utf8').split('\n');
	if (lines.length > MAX_SIGNATURES) fail(`note: more than ${MAX_SIGNATURES} signatures`);

	let verified = 0;
	lines.forEach((line, i) => {
		const lb = Buffer.from(line, 'utf8');
		if (!lb.subarray(0, EM_DASH_SPACE.length).equals(EM_DASH_SPACE))
			fail(`note: signature line ${i + 1} does not start with an em dash and a space`);
		const rest = line.slice(2); // U+2014 and the space are one UTF-16 unit each
		const sp = rest.indexOf(' ');
		if (sp < 0) fail(`note: signature line ${i + 1} has no space after the key name`);
		const name = rest.slice(0, sp);
		if (!isValidKeyName(name)) fail(`note: signature line ${i + 1} has an invalid key name`);
		const sig = decodeBase64(rest.slice(sp + 1), `note: signature line ${i + 1}`);
		if (sig.length < 5) fail(`note: signature line ${i + 1} is too short`);
		// Unknown keys (name or ID differing) are ignored, as the spec requires.
		if (name !== vkey.name || !sig.subarray(0, 4).equals(vkey.keyHash)) return;
		// A known key's signature must verify, else the whole note is refused.
		const ed = sig.subarray(4);
		let good = false;
		if (ed.length === 64) {
			try {
				good = edVerify(null, text, vkey.key, ed);
			} catch {
				good = false;
			}
		}
		if (!good) fail(`note: signature line ${i + 1} by ${vkey.name} does not verify`);
		verified++;
	});
	if (verified === 0) fail(`note: no signature by ${vkey.name}+${vkey.keyHash.toString('hex')}`);
	return text;
}

// ---- checkpoints ----

function parseCheckpoint(text) {
	const s = utf8Decode(text, 'checkpoint');
	if (!s.endsWith('\n')) fail('checkpoint: text does not end in a newline');
	const lines = s.slice(0, -1).split('\n');
	if (lines.length < 3) fail(`checkpoint: ${lines.length} lines, at least 3 needed`);
	const [origin, sizeText, rootText, ...extensions] = lines;
	if (origin.length === 0) fail('checkpoint: line 1 (origin) is empty');
	if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText))
		fail('checkpoint: line 2 (tree size) is not decimal without leading zeros');
	const size = BigInt(sizeText);
	if (size > UINT64_MAX) fail('checkpoint: line 2 (tree size) does not fit in 64 bits');
	const root = decodeBase64(rootText, 'checkpoint: line 3 (root hash)');
	if (root.length !== HASH_SIZE) fail('checkpoint: line 3 (root hash) is not 32 bytes');
	extensions.forEach((e, i) => {
		if (e.length === 0) fail(`checkpoint: line ${i + 4} (extension) is empty`);
	});
	return { origin, size, root };
}

function openCheckpoint(file, vkey) {
	return parseCheckpoint(openNote(readFileSync(file), vkey));
}

// ---- RFC 9162 Merkle tree proofs ----

const leafHash = (leaf) => sha256(Buffer.from([0x00]), leaf);
const nodeHash = (left, right) => sha256(Buffer.from([0x01]), left, right);

// RFC 9162 2.1.3.2, step by step.
function verifyInclusion(leafIndex, treeSize, hash, path, rootHash) {
	if (leafIndex >= treeSize) fail('inclusion: leaf index is not below the tree size');
	let fn = leafIndex;
	let sn = treeSize - 1n;
	let r = hash;
	for (const p of path) {
		if (sn === 0n) fail('inclusion: proof is too long');
		if ((fn & 1n) === 1n || fn === sn) {
			r = nodeHash(p, r);
			if ((fn & 1n) === 0n) {
				while ((fn & 1n) === 0n && fn !== 0n) {
					fn >>= 1n;
					sn >>= 1n;
				}
			}
		} else {
			r = nodeHash(r, p);
		}
		fn >>= 1n;
		sn >>= 1n;
	}
	if (sn !== 0n) fail('inclusion: proof is too short');
	if (!r.equals(rootHash)) fail('inclusion: proof does not lead to the checkpoint root');
}

// RFC 9162 2.1.4.2, step by step, after the cases it leaves out: equal
// sizes (nothing to prove: the roots must match) and an empty old tree
// (consistent with every tree).
function verifyConsistency(first, second, firstHash, secondHash, path) {
	if (first > second) fail('consistency: old size is larger than new size');
	if (first === second) {
		if (path.length !== 0) fail('consistency: proof between equal sizes must be empty');
		if (!firstHash.equals(secondHash)) fail('consistency: same size, different roots');
		return;
	}
	if (first === 0n) {
		if (path.length !== 0) fail('consistency: proof from the empty tree must be empty');
		if (!firstHash.equals(sha256())) fail('consistency: old root is not the empty tree hash');
		return;
	}
	if (path.length === 0) fail('consistency: proof is empty');
	const cp = (first & (first - 1n)) === 0n ? [firstHash, ...path] : [...path];
	let fn = first - 1n;
	let sn = second - 1n;
	while ((fn & 1n) === 1n) {
		fn >>= 1n;
		sn >>= 1n;
	}
	let fr = cp[0];
	let sr = cp[0];
	for (const c of cp.slice(1)) {
		if (sn === 0n) fail('consistency: proof is too long');
		if ((fn & 1n) === 1n || fn === sn) {
			fr = nodeHash(c, fr);
			sr = nodeHash(c, sr);
			if ((fn & 1n) === 0n) {
				while ((fn & 1n) === 0n && fn !== 0n) {
					fn >>= 1n;
					sn >>= 1n;
				}
			}
		} else {
			sr = nodeHash(sr, c);
		}
		fn >>= 1n;
		sn >>= 1n;
	}
	if (sn !== 0n) fail('consistency: proof is too short');
	if (!fr.equals(firstHash)) fail('consistency: proof does not lead to the old root');
	if (!sr.equals(secondHash)) fail('consistency: proof does not lead to the new root');
}

// ---- proof files ----

function readJson(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch (e) {
		fail(`${file}: not JSON (${e.message})`);
	}
}

function uint64Field(obj, field) {
	const v = obj[field];
	let n;
	if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
	else if (typeof v === 'string' && /^(?:0|[1-9][0-9]*)$/.test(v)) n = BigInt(v);
	else fail(`proof: "${field}" must be a non-negative integer`);
	if (n > UINT64_MAX) fail(`proof: "${field}" does not fit in 64 bits`);
	return n;
}

function hashesField(obj) {
	const h = obj.hashes;
	if (!Array.isArray(h)) fail('proof: "hashes" must be an array');
	if (h.length > MAX_PROOF_HASHES) fail('proof: too many hashes');
	return h.map((s, i) => {
		const b = decodeBase64(s, `proof: hashes[${i}]`);
		if (b.length !== HASH_SIZE) fail(`proof: hashes[${i}] is not 32 bytes`);
		return b;
	});
}

function readVerifierKey(file) {
	// A key file may end in a newline; a key holds no white space.
	return parseVerifierKey(readFileSync(file, 'utf8').replace(/\s+$/, ''));
}

// ---- commands ----

function cmdCheckpoint([vkeyFile, cpFile]) {
	const cp = openCheckpoint(cpFile, readVerifierKey(vkeyFile));
	return `ok ${cp.origin} ${cp.size} ${cp.root.toString('base64')}`;
}

function cmdInclusion([vkeyFile, cpFile, leafFile, proofFile]) {
	const cp = openCheckpoint(cpFile, readVerifierKey(vkeyFile));
	const proof = readJson(proofFile);
	const index = uint64Field(proof, 'leaf_index');
	const size = uint64Field(proof, 'tree_size');
	if (size !== cp.size) fail(`inclusion: proof is for tree size ${size}, checkpoint has ${cp.size}`);
	verifyInclusion(index, size, leafHash(readFileSync(leafFile)), hashesField(proof), cp.root);
	return 'ok';
}

function cmdConsistency([vkeyFile, oldFile, newFile, proofFile]) {
	const vkey = readVerifierKey(vkeyFile);
	const oldCp = openCheckpoint(oldFile, vkey);
	const newCp = openCheckpoint(newFile, vkey);
	// A proof between two logs' checkpoints would prove nothing.
	if (oldCp.origin !== newCp.origin) fail('consistency: the checkpoints name different origins');
	const proof = readJson(proofFile);
	const oldSize = uint64Field(proof, 'old_size');
	const size = uint64Field(proof, 'tree_size');
	if (oldSize !== oldCp.size) fail(`consistency: proof is from size ${oldSize}, old checkpoint has ${oldCp.size}`);
	if (size !== newCp.size) fail(`consistency: proof is to size ${size}, new checkpoint has ${newCp.size}`);
	verifyConsistency(oldSize, size, oldCp.root, newCp.root, hashesField(proof));
	return 'ok';
}

const COMMANDS = {
	checkpoint: [cmdCheckpoint, 2, 'VKEY_FILE CHECKPOINT_FILE'],
	inclusion: [cmdInclusion, 4, 'VKEY_FILE CHECKPOINT_FILE LEAF_FILE PROOF_JSON'],
	consistency: [cmdConsistency, 4, 'VKEY_FILE OLD_CHECKPOINT NEW_CHECKPOINT PROOF_JSON'],
};

function usage() {
	return Object.entries(COMMANDS)
		.map(([name, [, , args]]) => `usage: node tlog-verify.mjs ${name} ${args}`)
		.join('\n');
}

function main(argv) {
	const [command, ...args] = argv;
	const entry = COMMANDS[command];
	if (!entry || args.length !== entry[1]) {
		process.stderr.write(`${usage()}\n`);
		return 1;
	}
	try {
		process.stdout.write(`${entry[0](args)}\n`);
		return 0;
	} catch (e) {
		if (e instanceof VerifyError) process.stderr.write(`tlog-verify: ${e.message}\n`);
		else process.stderr.write(`tlog-verify: ${e.code === 'ENOENT' ? `no such file: ${e.path}` : e.message}\n`);
		return 1;
	}
}

// The functions are exported for test harnesses; run as a program, it is the CLI.
export {
	VerifyError,
	parseVerifierKey,
	openNote,
	parseCheckpoint,
	leafHash,
	nodeHash,
	verifyInclusion,
	verifyConsistency,
};

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url)))
	process.exitCode = main(process.argv.slice(2));
