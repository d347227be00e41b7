#!/bin/sh
# jobs/system.sh — make sure the system programs that gknb's rendering tests use exist.
#
#   sh jobs/system.sh
#
# Needs (Debian 12):
#   soffice   libreoffice-writer-nogui   docx -> PDF (soffice --headless --convert-to pdf)
#   pdftoppm  poppler-utils              PDF pages -> PNG (also pdffonts, pdftotext)
#   fc-match  fontconfig
#   chromium  chromium                   HTML rendering tests (--headless --no-sandbox)
#   libGL     libgl1, libglib2.0-0       OpenCV's import (OCR of scanned reports)
#   CJK faces for 仿宋 / 楷体 / 宋体 / 黑体: the Fandol set. In Debian 12 the only
#             FangSong face covering simplified Chinese is FandolFang, shipped only
#             inside texlive-lang-chinese (278 MB installed with its TeX
#             dependencies). So the six Fandol OTF files (~35 MB) are extracted
#             from that .deb (fetched with `apt-get download`) into
#             /usr/local/share/fonts/gknb-fandol instead of installing TeX.
#   jobs/fonts.conf -> /etc/fonts/conf.d/65-gknb-cjk.conf (aliases 仿宋_GB2312 -> FandolFang, ...)
#
# As root: installs what is missing (one `apt-get update`, only when something is
# missing). Not root: installs the fontconfig aliases for the user, prints the
# command to run for anything else that is missing, and exits 1.
# When everything is present it makes no apt call and takes a few milliseconds.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CONF_SRC="$HERE/fonts.conf"
CONF_SYS=/etc/fonts/conf.d/65-gknb-cjk.conf
CONF_USER="${XDG_CONFIG_HOME:-${HOME:-/root}/.config}/fontconfig/conf.d/65-gknb-cjk.conf"
FANDOL_DIR=/usr/local/share/fonts/gknb-fandol
FANDOL_TEXLIVE=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
FANDOL_FILES="FandolFang-Regular.otf FandolKai-Regular.otf FandolSong-Regular.otf FandolSong-Bold.otf FandolHei-Regular.otf FandolHei-Bold.otf"
APT_LOG=${TMPDIR:-/tmp}/gknb-system-apt.log
APT_OPTS="-y -q --no-install-recommends"

say() { echo "system.sh: $*"; }

have() { command -v "$1" >/dev/null 2>&1; }

fandol_in() {  # fandol_in DIR: all six faces are in DIR
    for f in $FANDOL_FILES; do [ -f "$1/$f" ] || return 1; done
}

# ---- what is missing --------------------------------------------------------
PKGS=""
{ have soffice && [ -e /usr/lib/libreoffice/program/libswlo.so ]; } || PKGS="$PKGS libreoffice-writer-nogui"
{ have pdftoppm && have pdffonts; } || PKGS="$PKGS poppler-utils"
{ have fc-match && have fc-cache; } || PKGS="$PKGS fontconfig"
have chromium || PKGS="$PKGS chromium"
# OpenCV (brought by rapidocr-onnxruntime, for scanned reports) loads libGL and GLib at import
ldconfig -p 2>/dev/null | grep -q 'libGL\.so\.1' || PKGS="$PKGS libgl1"
ldconfig -p 2>/dev/null | grep -q 'libglib-2\.0\.so\.0' || PKGS="$PKGS libglib2.0-0"

NEED_FANDOL=0
fandol_in "$FANDOL_DIR" || fandol_in "$FANDOL_TEXLIVE" || NEED_FANDOL=1

if [ "$(id -u)" -eq 0 ]; then CONF_DST=$CONF_SYS; else CONF_DST=$CONF_USER; fi
NEED_CONF=0
cmp -s "$CONF_SRC" "$CONF_DST" || NEED_CONF=1
# a root-installed system copy also serves non-root users
[ "$NEED_CONF" -eq 1 ] && [ "$CONF_DST" != "$CONF_SYS" ] && cmp -s "$CONF_SRC" "$CONF_SYS" && NEED_CONF=0

if [ -z "$PKGS" ] && [ "$NEED_FANDOL" -eq 0 ] && [ "$NEED_CONF" -eq 0 ]; then
    say "ok: libreoffice, poppler-utils, fontconfig, chromium, libGL, Fandol CJK fonts, font aliases"
    exit 0
fi

# ---- not root: say what to run ---------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    if [ "$NEED_CONF" -eq 1 ] && have fc-cache; then
        mkdir -p "$(dirname "$CONF_USER")"
        cp "$CONF_SRC" "$CONF_USER"
        say "installed font aliases for this user: $CONF_USER"
    fi
    if [ -z "$PKGS" ] && [ "$NEED_FANDOL" -eq 0 ]; then
        fc-cache >/dev/null 2>&1 || true
        say "ok"
        exit 0
    fi
    [ -n "$PKGS" ] && say "missing programs:$PKGS"
    [ "$NEED_FANDOL" -eq 1 ] && say "missing CJK fonts: Fandol (FangSong/Kai/Song/Hei)"
    say "as root, either run:   sudo sh $HERE/system.sh"
    say "or install packages:   sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install $APT_OPTS$PKGS$( [ "$NEED_FANDOL" -eq 1 ] && echo ' texlive-lang-chinese')"
    exit 1
fi

# ---- root: install -----------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
: >"$APT_LOG"
run_apt() {  # run apt-get quietly; on failure show the end of its log
    if ! apt-get "$@" >>"$APT_LOG" 2>&1; then
        tail -n 25 "$APT_LOG" >&2
        say "FAILED: apt-get $* (log: $APT_LOG)"
        exit 1
    fi
}

if [ -n "$PKGS" ] || [ "$NEED_FANDOL" -eq 1 ]; then
    say "apt-get update"
    run_apt update -q
fi

if [ -n "$PKGS" ]; then
    say "installing:$PKGS"
    start=$(date +%s)
    run_apt install $APT_OPTS $PKGS
    grep -h -E '^(Need to get|After this operation)' "$APT_LOG" | sed 's/^/system.sh:   /'
    say "installed in $(( $(date +%s) - start )) s"
fi

if [ "$NEED_FANDOL" -eq 1 ]; then
    say "installing Fandol fonts from texlive-lang-chinese .deb into $FANDOL_DIR"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    # apt-get download drops privileges to _apt: let it write here
    chown _apt "$work" 2>/dev/null || true
    (cd "$work" && apt-get download -q texlive-lang-chinese >>"$APT_LOG" 2>&1) || {
        tail -n 25 "$APT_LOG" >&2; say "FAILED: apt-get download texlive-lang-chinese"; exit 1; }
    deb=$(ls "$work"/texlive-lang-chinese_*.deb)
    say "  downloaded $(basename "$deb") ($(( $(stat -c %s "$deb") / 1048576 )) MB)"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" \
        --wildcards "./usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol*.otf" \
        "./usr/share/doc/texlive-doc/fonts/fandol/*"
    mkdir -p "$FANDOL_DIR"
    for f in $FANDOL_FILES; do
        install -m 0644 "$work$FANDOL_TEXLIVE/$f" "$FANDOL_DIR/$f"
    done
    # licence (GPL-3 with font exception) and readme go with the fonts
    for f in "$work"/usr/share/doc/texlive-doc/fonts/fandol/*; do
        [ -f "$f" ] && install -m 0644 "$f" "$FANDOL_DIR/"
    done
    rm -f "$deb"
    say "  $(du -sh "$FANDOL_DIR" | cut -f1) in $FANDOL_DIR"
fi

if [ "$NEED_CONF" -eq 1 ]; then
    install -m 0644 "$CONF_SRC" "$CONF_SYS"
    say "installed font aliases: $CONF_SYS"
fi

say "fc-cache"
fc-cache >/dev/null 2>&1 || true
# fonts.conf has scan-time rules (Fandol Bold weights); they live in the cache,
# so rescan the Fandol dirs whenever the conf or the fonts changed
for d in "$FANDOL_DIR" "$FANDOL_TEXLIVE"; do
    [ -d "$d" ] && fc-cache -f "$d" >/dev/null
done

# ---- verify the aliases ------------------------------------------------------
bad=0
for pair in "仿宋_GB2312=FandolFang Regular" "楷体_GB2312=FandolKai Regular" "宋体=FandolSong Regular" \
            "黑体=FandolHei Regular" "方正小标宋简体=FandolSong Bold"; do
    name=${pair%%=*}; want=${pair#*=}
    got=$(fc-match -f '%{family[0]} %{style[0]}' "$name")
    case "$got" in
        "$want") say "  fc-match $name -> $got" ;;
        *) say "  fc-match $name -> $got (expected $want)"; bad=1 ;;
    esac
done
[ "$bad" -eq 0 ] || { say "FAILED: font aliases do not resolve"; exit 1; }
say "done"
