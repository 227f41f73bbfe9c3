#!/usr/bin/env bash
# Checks that the folders of Sources/AgentMesh form layers: a folder may use the top-level
# names (types, free functions, and members its extensions add to standard-library types or
# to another folder's types) of the folders below it in LAYERS, never of a folder above it, so
# no two folders can use each other, directly or around a circle.
#
# How: every .swift file is reduced to its code (comments and string literals dropped, string
# interpolations kept); top-level declarations give each name its folder; every identifier
# of a folder that names another folder's declaration is a use. An upward use, a folder missing
# from LAYERS, or a name declared in two folders fails the check (exit 1) with file:line.
#
# Usage: Tests/Architecture/layers.sh [--graph]   (--graph prints every folder's uses and exits 0)
# LAYERS_ROOT=<folder> checks another tree (the script's own test plants violations in one).
set -euo pipefail
cd "$(dirname "$0")/../.."

# Bottom up. A folder may use only folders listed before it.
LAYERS="System Process TOML Tmux SSH Address Profiles Registry Sync Delivery CLI"
ROOT=${LAYERS_ROOT:-Sources/AgentMesh}
MODE=${1:-check}

code=$(mktemp)
trap 'rm -f "$code"' EXIT

# 1. Code only: "<folder>\t<file>\t<line>\t<brace depth at line start>\t<code>".
find "$ROOT" -name '*.swift' | LC_ALL=C sort | while read -r f; do
  rel=${f#"$ROOT"/}
  case $rel in */*) folder=${rel%%/*} ;; *) folder=. ;; esac
  awk -v folder="$folder" -v file="$f" '
    BEGIN { state = "code"; depth = 0; blk = 0; sp = 0 }
    {
      line = $0; out = ""; start = depth; n = length(line); i = 1
      while (i <= n) {
        c = substr(line, i, 1); c2 = substr(line, i, 2); c3 = substr(line, i, 3)
        if (state == "block") {
          if (c2 == "*/") { blk--; i += 2; if (blk == 0) state = "code"; continue }
          if (c2 == "/*") { blk++; i += 2; continue }
          i++; continue
        }
        if (state == "str" || state == "mstr") {
          if (c == "\\") {
            if (substr(line, i + 1, 1) == "(") { sp++; kind[sp] = state; parens[sp] = 0; state = "code"; out = out " "; i += 2; continue }
            i += 2; continue
          }
          if (state == "str" && c == "\"") { state = "code"; out = out " "; i++; continue }
          if (state == "mstr" && c3 == "\"\"\"") { state = "code"; out = out " "; i += 3; continue }
          i++; continue
        }
        # code
        if (c2 == "//") break
        if (c2 == "/*") { state = "block"; blk = 1; i += 2; continue }
        if (c3 == "\"\"\"") { state = "mstr"; i += 3; continue }
        if (c == "\"") { state = "str"; i++; continue }
        if (sp > 0) {
          if (c == "(") parens[sp]++
          if (c == ")") { if (parens[sp] == 0) { state = kind[sp]; sp--; out = out " "; i++; continue } parens[sp]-- }
        }
        if (c == "{") depth++
        if (c == "}") depth--
        out = out c; i++
      }
      if (state == "str") state = "code"   # an unterminated one-line string cannot span lines
      printf "%s\t%s\t%d\t%d\t%s\n", folder, file, FNR, start, out
    }' "$f"
done > "$code"

# 2. Declarations and uses.
awk -F'\t' -v layers="$LAYERS" -v mode="$MODE" '
  function ident_tokens(s, arr,   k, m, t) {
    # identifiers, each with the character before it (to tell x.member from a bare name)
    k = 0
    while (match(s, /[A-Za-z_][A-Za-z0-9_]*/)) {
      t = substr(s, RSTART, RLENGTH)
      k++; arr[k] = t; before[k] = (RSTART > 1 ? substr(s, RSTART - 1, 1) : " ")
      s = substr(s, RSTART + RLENGTH)
    }
    return k
  }
  BEGIN {
    nl = split(layers, L, " ")
    for (i = 1; i <= nl; i++) rank[L[i]] = i
    decl_re = "^[ \t]*((public|internal|private|fileprivate|package|final|indirect|nonisolated\\(unsafe\\)|@[A-Za-z]+)[ \t]+)*(struct|enum|class|protocol|actor|typealias|func|let|var)[ \t]+[A-Za-z_][A-Za-z0-9_]*"
  }
  NR == FNR {
    folder = $1; depth = $4; text = $5
    if (!(folder in seen_folder)) { seen_folder[folder] = 1 }
    # a type nested anywhere in a folder shadows a top-level one of that name elsewhere
    if (match(text, /(struct|enum|class|protocol|actor|typealias)[ \t]+[A-Za-z_][A-Za-z0-9_]*/)) {
      d = substr(text, RSTART, RLENGTH); sub(/.*[ \t]/, "", d); local[folder SUBSEP d] = 1
    }
    if (depth == 0 && match(text, decl_re)) {
      d = substr(text, RSTART, RLENGTH); sub(/.*[ \t]/, "", d)
      if ((d in owner) && owner[d] != folder) dup[d] = owner[d] " and " folder
      owner[d] = folder
    }
    # top-level extensions: remember the extended type and the methods they add
    if (depth == 0 && match(text, /^[ \t]*(public[ \t]+)?extension[ \t]+[A-Za-z_][A-Za-z0-9_.]*/)) {
      e = substr(text, RSTART, RLENGTH); sub(/.*[ \t]/, "", e); cur_ext = e
    } else if (depth == 0) cur_ext = ""
    if (depth == 1 && cur_ext != "" && match(text, /^[ \t]*((public|package|internal|static|mutating|nonisolated)[ \t]+)*(func|var)[ \t]+[A-Za-z_][A-Za-z0-9_]*/)) {
      m = substr(text, RSTART, RLENGTH); sub(/.*[ \t]/, "", m)
      nm++; mname[nm] = m; mtype[nm] = cur_ext; mfolder[nm] = folder
    }
    next
  }
  FNR == 1 && !members_done {
    members_done = 1
    # members added by an extension to a type of another folder, or of the standard library
    # (String, Substring, UInt32 …), belong to the folder of the extension
    for (i = 1; i <= nm; i++) if (!(mtype[i] in owner) || owner[mtype[i]] != mfolder[i]) {
      if ((mname[i] in member) && member[mname[i]] != mfolder[i]) dup[mname[i]] = member[mname[i]] " and " mfolder[i]
      member[mname[i]] = mfolder[i]
    }
  }
  {
    folder = $1; text = $5
    k = ident_tokens(text, tok)
    for (j = 1; j <= k; j++) {
      t = tok[j]; to = ""
      if ((t in owner) && before[j] != ".") to = owner[t]
      else if ((t in member) && before[j] == ".") to = member[t]
      if (to == "" || to == folder || ((folder SUBSEP t) in local)) continue
      key = folder SUBSEP to
      if (!(key in edge)) { edge[key] = $2 ":" $3 " " t; edges[folder] = edges[folder] " " to }
      if (index(names[key], " " t " ") == 0) names[key] = names[key] " " t " "
    }
  }
  END {
    bad = 0
    for (f in seen_folder) if (f != "." && !(f in rank)) {
      printf "layers: folder %s is not in LAYERS (Tests/Architecture/layers.sh): place it\n", f; bad = 1
    }
    for (d in dup) { printf "layers: %s is declared in both %s\n", d, dup[d]; bad = 1 }
    for (key in edge) {
      split(key, p, SUBSEP); from = p[1]; to = p[2]
      gsub(/  +/, " ", names[key]); sub(/^ /, "", names[key]); sub(/ $/, "", names[key])
      if (mode == "--graph") { printf "%-9s -> %-9s %s\n", from, to, names[key]; continue }
      if (!(from in rank) || !(to in rank)) continue
      if (rank[to] > rank[from]) {
        printf "layers: %s uses %s, which sits above it (first at %s; names: %s)\n", from, to, edge[key], names[key]
        bad = 1
      }
    }
    if (mode == "--graph") exit 0
    if (!bad) print "layers: ok (" layers ")"
    exit bad
  }' "$code" "$code"
