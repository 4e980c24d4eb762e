#!/usr/bin/env python3
"""OB 3.0 checks with openbadgeslib (run in the venv built from requirements-ob3.txt).

    python ob3_check.py verify --allow-origin ORIGIN FILE.json
        openbadgeslib.ob3.ldp.OB3LdpVerifier(pubkey_pem=...).verify(text): its
        eddsa-rdfc-2022 verifier (PyLD 3 canonicalization, pinned bundled contexts,
        its context validation and structure screens). openbadgeslib refuses to
        trust a key named by an http(s) issuer on its own (it resolves only DIDs),
        so the key is resolved here the way the DID/controller-document rules say:
        GET the proof's verificationMethod document on the server under test, take
        the node with that id, require type Multikey, controller == issuer.id and
        listing in assertionMethod, decode publicKeyMultibase (z + base58btc of
        0xed01 + 32 bytes) and hand it to openbadgeslib as a PEM key.
    python ob3_check.py status --allow-origin ORIGIN FILE.json
        openbadgeslib.ob3.status.check_credential_status on the credential's
        BitstringStatusListEntry entries (its 1EdTechRevocationList entries are
        left out: openbadgeslib does not know that type). The list is fetched
        from the server under test only.
    python ob3_check.py unbake-png FILE.png      openbadgeslib.baking.extract_png(keyword=b'openbadgecredential')
    python ob3_check.py unbake-svg FILE.svg      openbadgeslib.baking.extract_svg(element='openbadges:credential')

Each prints one JSON object. Exit status 0 when the check succeeded (verified /
not revoked / found), 1 when it did not, 2 on a usage error.
"""
import argparse
import json
import sys
import types
import urllib.error
import urllib.parse
import urllib.request

B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'


def b58decode(s):
    n = 0
    for ch in s:
        i = B58.find(ch)
        if i < 0:
            raise ValueError('invalid base58 character %r' % ch)
        n = n * 58 + i
    raw = n.to_bytes((n.bit_length() + 7) // 8, 'big') if n else b''
    pad = len(s) - len(s.lstrip('1'))
    return b'\x00' * pad + raw


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, 'redirect to %s refused' % newurl, headers, fp)


def make_fetch(allowed_origins):
    allowed = set()
    for o in allowed_origins:
        p = urllib.parse.urlsplit(o)
        allowed.add((p.scheme, p.netloc))
    opener = urllib.request.build_opener(NoRedirect)

    def fetch(url, accept='application/ld+json, application/json;q=0.9'):
        p = urllib.parse.urlsplit(url)
        if (p.scheme, p.netloc) not in allowed:
            raise PermissionError('refused to fetch %s: not on the server under test' % url)
        req = urllib.request.Request(urllib.parse.urldefrag(url)[0], headers={'Accept': accept})
        with opener.open(req, timeout=15) as resp:
            return resp.read()
    return fetch


def resolve_key_pem(credential, fetch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives import serialization

    proof = credential.get('proof')
    if isinstance(proof, list):
        proof = proof[0] if proof else None
    if not isinstance(proof, dict):
        raise ValueError('credential has no proof object')
    vm_id = proof.get('verificationMethod')
    if not isinstance(vm_id, str) or '#' not in vm_id:
        raise ValueError('proof.verificationMethod %r is not a URL with a fragment' % (vm_id,))
    issuer = credential.get('issuer')
    issuer_id = issuer.get('id') if isinstance(issuer, dict) else issuer
    doc = json.loads(fetch(vm_id).decode('utf-8'))

    def find(node):
        if isinstance(node, list):
            for x in node:
                hit = find(x)
                if hit is not None:
                    return hit
        elif isinstance(node, dict):
            if node.get('id') == vm_id:
                return node
            for k, v in node.items():
                if k != '@context':
                    hit = find(v)
                    if hit is not None:
                        return hit
        return None

    vm = find(doc)
    if vm is None:
        raise ValueError('%s lists no verification method %s' % (vm_id.split('#')[0], vm_id))
    if vm.get('type') != 'Multikey':
        raise ValueError('verification method type is %r, not Multikey' % (vm.get('type'),))
    if vm.get('controller') != issuer_id:
        raise ValueError('verification method controller %r != issuer.id %r' % (vm.get('controller'), issuer_id))
    if doc.get('id') != issuer_id:
        raise ValueError('controller document id %r != issuer.id %r' % (doc.get('id'), issuer_id))
    am = doc.get('assertionMethod', [])
    am = am if isinstance(am, list) else [am]
    if not any(x == vm_id or (isinstance(x, dict) and x.get('id') == vm_id) for x in am):
        raise ValueError('%s is not listed in the issuer document assertionMethod' % vm_id)
    mb = vm.get('publicKeyMultibase', '')
    if not isinstance(mb, str) or not mb.startswith('z'):
        raise ValueError('publicKeyMultibase %r is not base58btc (z...)' % (mb,))
    raw = b58decode(mb[1:])
    if len(raw) != 34 or raw[:2] != b'\xed\x01':
        raise ValueError('publicKeyMultibase is not an Ed25519 public key (0xed01 + 32 bytes)')
    key = Ed25519PublicKey.from_public_bytes(raw[2:])
    return vm_id, key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def cmd_verify(args):
    from openbadgeslib.ob3.ldp import OB3LdpVerifier
    text = open(args.file, 'rb').read()
    out = {'verified': False, 'error': None, 'verificationMethod': None}
    try:
        credential = json.loads(text)
        fetch = make_fetch(args.allow_origin)
        vm_id, pem = resolve_key_pem(credential, fetch)
        out['verificationMethod'] = vm_id
    except Exception as e:  # noqa: BLE001 - reported, not raised
        out['error'] = 'key resolution: %s: %s' % (type(e).__name__, e)
        return out
    try:
        verified = OB3LdpVerifier(pubkey_pem=pem).verify(text.decode('utf-8'), check_status=False)
        out['verified'] = True
        out['achievement'] = getattr(getattr(verified, 'achievement', None), 'name', None) or \
            getattr(getattr(getattr(verified, 'credential_subject', None), 'achievement', None), 'name', None)
    except Exception as e:  # noqa: BLE001
        out['error'] = '%s: %s' % (type(e).__name__, e)
    return out


def cmd_status(args):
    from openbadgeslib.ob3.status import check_credential_status
    out = {'checked': False, 'revoked': False, 'error': None, 'entries': 0}
    try:
        credential = json.loads(open(args.file, 'rb').read())
        status = credential.get('credentialStatus')
        entries = status if isinstance(status, list) else ([status] if status else [])
        bitstring = [e for e in entries if isinstance(e, dict) and
                     'BitstringStatusListEntry' in (e.get('type') if isinstance(e.get('type'), list) else [e.get('type')])]
        out['entries'] = len(bitstring)
        if not bitstring:
            out['error'] = 'credential has no BitstringStatusListEntry'
            return out
        issuer = credential.get('issuer')
        issuer_id = issuer.get('id') if isinstance(issuer, dict) else issuer
        stand_in = types.SimpleNamespace(issuer=types.SimpleNamespace(id=issuer_id), credential_status=bitstring)
        fetch = make_fetch(args.allow_origin)
    except Exception as e:  # noqa: BLE001
        out['error'] = '%s: %s' % (type(e).__name__, e)
        return out
    try:
        check_credential_status(stand_in, download=fetch, verify_list=False)
        out['checked'] = True
    except Exception as e:  # noqa: BLE001
        msg = '%s: %s' % (type(e).__name__, e)
        out['error'] = msg
        if 'is set at index' in str(e):
            out['checked'] = True
            out['revoked'] = True
    return out


def cmd_unbake(args, kind):
    from openbadgeslib import baking
    data = open(args.file, 'rb').read()
    out = {'found': False, 'text': None, 'error': None}
    try:
        if kind == 'png':
            text = baking.extract_png(data, keyword=baking.ITXT_KEYWORD_OB3)
        else:
            text = baking.extract_svg(data, element=baking.SVG_ELEMENT_OB3, text_fallback=True)
        out['found'] = text is not None
        out['text'] = text
    except Exception as e:  # noqa: BLE001
        out['error'] = '%s: %s' % (type(e).__name__, e)
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    for name in ('verify', 'status'):
        p = sub.add_parser(name)
        p.add_argument('--allow-origin', action='append', required=True)
        p.add_argument('file')
    for name in ('unbake-png', 'unbake-svg'):
        p = sub.add_parser(name)
        p.add_argument('file')
    args = ap.parse_args(argv)
    if args.cmd == 'verify':
        out = cmd_verify(args)
        ok = out['verified']
    elif args.cmd == 'status':
        out = cmd_status(args)
        ok = out['checked'] and not out['revoked']
    else:
        out = cmd_unbake(args, args.cmd.split('-')[1])
        ok = out['found']
    print(json.dumps(out, indent=2, default=str))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
