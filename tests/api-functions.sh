# tests/api-functions.sh — sourced by tests/check-*.sh: the LTX_API function names of headers.

# The function names declared with LTX_API in the given headers, one per line,
# sorted. Comments and preprocessor lines are dropped, the rest is split into
# declarations at ';', and the name is the identifier right before the first
# '(' that follows LTX_API (declarations may span lines).
api_functions() {
	awk '
	/^[ \t]*#/ || cont { cont = /\\$/; next }
	{ text = text "\n" $0 }
	END {
		out = ""
		s = text
		while ((i = index(s, "/*")) > 0) {
			out = out substr(s, 1, i - 1) " "
			s = substr(s, i + 2)
			j = index(s, "*/")
			if (j == 0) { s = ""; break }
			s = substr(s, j + 2)
		}
		out = out s
		gsub(/\/\/[^\n]*/, "", out)
		gsub(/[\n\t]/, " ", out)
		n = split(out, decl, ";")
		for (k = 1; k <= n; k++) {
			d = " " decl[k] " "
			if (!match(d, /[^A-Za-z0-9_]LTX_API[^A-Za-z0-9_]/))
				continue
			rest = substr(d, RSTART + RLENGTH - 1)
			p = index(rest, "(")
			if (p == 0)
				continue
			head = substr(rest, 1, p - 1)
			sub(/[ ]+$/, "", head)
			if (match(head, /[A-Za-z_][A-Za-z0-9_]*$/))
				print substr(head, RSTART, RLENGTH)
		}
	}' "$@" | LC_ALL=C sort -u
}
