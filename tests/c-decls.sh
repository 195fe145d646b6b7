# tests/c-decls.sh — sourced by tests/check-*.sh: the declarations of C text, normalised.

# c_decls FILE...: one line per declaration of a function or a function-pointer
# typedef, and one per enum constant with a value, in the C text of the files:
#   fn NAME TEXT        a function (TEXT without LTX_API)
#   typedef NAME TEXT   typedef RET (*NAME)(...)
#   const NAME VALUE    NAME = VALUE inside an enum
# Comments and preprocessor lines are dropped; TEXT has its whitespace collapsed to
# one space and none around ( ) , * so that only layout is ignored.
c_decls() {
	awk '
	/^[ \t]*#/ || cont { cont = /\\$/; next }
	{ text = text "\n" $0 }
	function norm(s) {
		gsub(/[ \t\n]+/, " ", s)
		gsub(/ ?\( ?/, "(", s); gsub(/ ?\) ?/, ")", s)
		gsub(/ ?, ?/, ",", s); gsub(/ ?\* ?/, "*", s)
		sub(/^ /, "", s); sub(/ $/, "", s)
		return s
	}
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
		gsub(/LTX_BEGIN_DECLS|LTX_END_DECLS|LTX_API/, " ", out)
		n = split(out, decl, ";")
		for (k = 1; k <= n; k++) {
			d = decl[k]
			if (index(d, "{") > 0) {
				# an enum: its constants, then whatever follows the closing brace
				body = substr(d, index(d, "{") + 1)
				if (index(body, "}") > 0) body = substr(body, 1, index(body, "}") - 1)
				m = split(body, items, ",")
				for (q = 1; q <= m; q++) {
					it = items[q]; gsub(/[ \t\n]+/, "", it)
					if (match(it, /^[A-Za-z_][A-Za-z0-9_]*=/))
						print "const " substr(it, 1, RLENGTH - 1) " " substr(it, RLENGTH + 1)
				}
				continue
			}
			d = norm(d)
			if (d !~ /\(/) continue
			if (d ~ /^typedef /) {
				if (match(d, /\(\*[A-Za-z_][A-Za-z0-9_]*\)/))
					print "typedef " substr(d, RSTART + 2, RLENGTH - 3) " " d
				continue
			}
			head = substr(d, 1, index(d, "(") - 1)
			if (match(head, /[A-Za-z_][A-Za-z0-9_]*$/))
				print "fn " substr(head, RSTART, RLENGTH) " " d
		}
	}' "$@"
}

# python_cdef: the cffi declarations of the Python binding (the CDEF string of
# bindings/python/ltx/_ffi.py), as C text.
python_cdef() {
	sed -n '/^CDEF = """/,/^"""/p' "${top_srcdir:-.}/bindings/python/ltx/_ffi.py" | sed '1d;$d'
}
