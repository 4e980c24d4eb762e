#!/usr/bin/env python3
"""OB 2.0 checks with the 1EdTech reference validator `openbadges` and `openbadges-bakery`
(run in the venv built from requirements-ob2.txt).

    python ob2_check.py validate --allow-origin ORIGIN (URL | FILE.png)
        openbadges.verify(input, use_cache=False, cache_backend=None): the
        validator's full task graph (fetch the hosted Assertion, its BadgeClass
        and Issuer, JSON-LD compaction against the OB 2.0 context, property and
        class validation, hosted-verification origin policy, image checks).
        A FILE.png is opened and handed to it as a baked badge.
    python ob2_check.py unbake FILE.png
        openbadges_bakery.unbake(file): the iTXt/tEXt "openbadges" content.

Network: every HTTP request the validator makes goes through requests; a
transport adapter here answers https://w3id.org/openbadges/v2 with the OB 2.0
context the validator itself ships (openbadges.verifier.openbadges_context), passes
requests for the allowed origin(s) to the server, and refuses everything else.

Prints one JSON object; exit status 0 when valid / found, 1 when not, 2 on usage error.
"""
import argparse
import json
import sys
import urllib.parse


def install_network_guard(allowed_origins):
    import requests
    from requests.adapters import HTTPAdapter
    from requests.models import Response
    from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

    allowed = set()
    for o in allowed_origins:
        p = urllib.parse.urlsplit(o)
        allowed.add((p.scheme, p.netloc))
    bundled = {
        'https://w3id.org/openbadges/v2': OPENBADGES_CONTEXT_V2_DICT,
        'http://w3id.org/openbadges/v2': OPENBADGES_CONTEXT_V2_DICT,
    }
    original_send = HTTPAdapter.send
    log = []

    def guarded_send(self, request, **kwargs):
        url = urllib.parse.urldefrag(request.url)[0]
        if url.rstrip('/') in bundled:
            r = Response()
            r.status_code = 200
            r._content = json.dumps(bundled[url.rstrip('/')]).encode('utf-8')
            r.headers['Content-Type'] = 'application/ld+json'
            r.url = request.url
            r.request = request
            r.encoding = 'utf-8'
            log.append({'url': request.url, 'bundled': True})
            return r
        p = urllib.parse.urlsplit(url)
        if (p.scheme, p.netloc) not in allowed:
            log.append({'url': request.url, 'refused': True})
            raise requests.exceptions.ConnectionError(
                'refused by the interop harness: %s is not on the server under test' % request.url)
        resp = original_send(self, request, **kwargs)
        log.append({'url': request.url, 'status': resp.status_code,
                    'contentType': resp.headers.get('Content-Type')})
        return resp

    HTTPAdapter.send = guarded_send
    return log


def cmd_validate(args):
    log = install_network_guard(args.allow_origin)
    import openbadges
    out = {'valid': False, 'errorCount': None, 'warningCount': None, 'errors': [], 'warnings': [],
           'openbadgesVersion': None, 'validationSubject': None, 'graph': [], 'fetched': log, 'error': None}
    try:
        if args.input.startswith(('http://', 'https://')):
            result = openbadges.verify(args.input, use_cache=False, cache_backend=None)
        else:
            with open(args.input, 'rb') as f:
                result = openbadges.verify(f, use_cache=False, cache_backend=None)
    except Exception as e:  # noqa: BLE001
        out['error'] = '%s: %s' % (type(e).__name__, e)
        return out
    report = result.get('report', {})
    out['valid'] = bool(report.get('valid'))
    out['errorCount'] = report.get('errorCount')
    out['warningCount'] = report.get('warningCount')
    out['openbadgesVersion'] = report.get('openBadgesVersion')
    out['validationSubject'] = report.get('validationSubject')
    for m in report.get('messages', []):
        item = {'name': m.get('name'), 'result': m.get('result'), 'node_id': m.get('node_id')}
        (out['errors'] if m.get('messageLevel') == 'ERROR' else out['warnings']).append(item)
    out['graph'] = [{'id': n.get('id'), 'type': n.get('type')} for n in result.get('graph', [])]
    return out


def cmd_unbake(args):
    from openbadges_bakery import unbake
    out = {'found': False, 'text': None, 'error': None}
    try:
        with open(args.file, 'rb') as f:
            text = unbake(f)
        out['found'] = text is not None
        out['text'] = text
    except Exception as e:  # noqa: BLE001
        out['error'] = '%s: %s' % (type(e).__name__, e)
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('validate')
    p.add_argument('--allow-origin', action='append', required=True)
    p.add_argument('input')
    p = sub.add_parser('unbake')
    p.add_argument('file')
    args = ap.parse_args(argv)
    if args.cmd == 'validate':
        out = cmd_validate(args)
        ok = out['valid'] and out['errorCount'] == 0
    else:
        out = cmd_unbake(args)
        ok = out['found']
    print(json.dumps(out, indent=2, default=str))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
