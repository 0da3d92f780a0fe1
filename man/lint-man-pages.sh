#!/bin/bash
# usage: lint-man-pages.sh GROFF PAGE...
# Formats each page with every groff warning enabled; any warning (or a
# page groff cannot format) fails, naming the page.
set -u
groff=$1
shift
failures=0
for page in "$@"; do
	out=$("$groff" -man -ww -z "$page" 2>&1)
	if [ $? -ne 0 ] || [ -n "$out" ]; then
		echo "FAIL: $page"
		printf '%s\n' "$out"
		failures=$((failures + 1))
	fi
done
echo "man-lint: $# pages, $failures with warnings"
[ "$failures" -eq 0 ]
