#!/usr/bin/env python3
"""Self time of V8 CPU profiles (`node --cpu-prof`), by category: where a process spends its time.

Usage: analyze.py DIR   (every *.cpuprofile under DIR; one table per file, named by its pid)
"""
import json
import os
import re
import sys

CATEGORIES = [
    ('idle', lambda fn, url: fn == '(idle)'),
    ('garbage collection', lambda fn, url: fn == '(garbage collector)'),
    ('native / runtime (program)', lambda fn, url: fn == '(program)'),
    ('WASM', lambda fn, url: url.startswith('wasm://')),
    ('Restate SDK (JS)', lambda fn, url: '@restatedev' in url),
    ('PGlite (WASM Postgres)', lambda fn, url: '@electric-sql/pglite' in url),
    ('node-postgres', lambda fn, url: '/pg/' in url or '/pg-protocol/' in url or '/pg-pool/' in url),
    ('fetch (undici)', lambda fn, url: 'undici' in url),
    ('HTTP/2', lambda fn, url: 'http2' in url),
    ('streams, sockets, timers (node)', lambda fn, url: url.startswith('node:') or url.startswith('internal/')),
    ('zod', lambda fn, url: '/zod/' in url),
    ('ours: stages + domain', lambda fn, url: re.search(r'/dist/(stages|domain)/', url) is not None),
    ('ours: workflow', lambda fn, url: '/dist/workflow/' in url),
    ('ours: runner + catalog', lambda fn, url: re.search(r'/dist/(runner|catalog|cli)/', url) is not None),
    ('ours: db', lambda fn, url: '/dist/db/' in url),
    ('ours: other', lambda fn, url: '/dist/' in url and 'node_modules' not in url),
    ('other libraries', lambda fn, url: 'node_modules' in url),
    ('native (no script)', lambda fn, url: url == ''),
]


def categorize(fn, url):
    for name, test in CATEGORIES:
        if test(fn, url):
            return name
    return 'other'


def wasm_name(file_name):
    # The database daemon's WASM is PGlite's Postgres; the run's is the Restate SDK's core.
    return 'PGlite (WASM Postgres)' if file_name.startswith('database') else 'Restate SDK (WASM core)'


def analyze(path):
    profile = json.load(open(path))
    by_id = {node['id']: node for node in profile['nodes']}
    self_us = {}
    for node_id, delta in zip(profile['samples'], profile['timeDeltas']):
        self_us[node_id] = self_us.get(node_id, 0) + max(delta, 0)
    totals = {}
    for node_id, us in self_us.items():
        frame = by_id[node_id]['callFrame']
        name = categorize(frame['functionName'], frame['url'])
        if name == 'WASM':
            name = wasm_name(os.path.basename(path))
        totals[name] = totals.get(name, 0) + us
    return totals


def main():
    root = sys.argv[1]
    for name in sorted(os.listdir(root)):
        if not name.endswith('.cpuprofile'):
            continue
        totals = analyze(os.path.join(root, name))
        wall = sum(totals.values())
        busy = wall - totals.get('idle', 0)
        print(f'\n{name}: {wall / 1e6:.1f} s sampled, busy {busy / 1e6:.1f} s ({100 * busy / wall:.0f} %)')
        for category, us in sorted(totals.items(), key=lambda item: -item[1]):
            if category == 'idle':
                continue
            print(f'  {category:34s} {us / 1e6:7.1f} s  {100 * us / busy:5.1f} % of busy')


main()
