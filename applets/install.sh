#!/bin/sh
# install.sh - put stdiocap and one relative symlink per applet under a prefix.
# Usage: install.sh PREFIX DIR APPLETS_LIST BINARY
# Reads the list the build generated; never runs the binary, which may be
# built for another architecture.
set -eu

prefix=$1 dir=$2 list=$3 binary=$4

[ -n "$prefix" ] || { echo "install.sh: empty CONFIG_PREFIX" >&2; exit 1; }
mkdir -p "$prefix/$dir"
cp -f "$binary" "$prefix/$dir/stdiocap.tmp"
chmod 755 "$prefix/$dir/stdiocap.tmp"
mv -f "$prefix/$dir/stdiocap.tmp" "$prefix/$dir/stdiocap"
echo "  INSTALL $prefix/$dir/stdiocap"
while IFS= read -r name; do
	[ -n "$name" ] || continue
	# relative, so the tree works wherever it is mounted or chrooted
	ln -sfn stdiocap "$prefix/$dir/$name"
	echo "  LN      $prefix/$dir/$name -> stdiocap"
done <"$list"
