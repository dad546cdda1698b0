#!/bin/sh
# install.sh - put stdiocap and one relative symlink per applet under a prefix.
# Usage: install.sh PREFIX DIR APPLETS_LIST BINARY [flat|target]
#   flat (default): PREFIX/DIR/NAME for every applet
#   target: PREFIX/TDIR/NAME, TDIR being the directory of the applet's
#           target (doc/building.md "Installing"; CONFIG_INSTALL_LAYOUT)
# Reads the list the build generated ("NAME TARGET" lines); never runs the
# binary, which may be built for another architecture.
set -eu

prefix=$1 dir=$2 list=$3 binary=$4 layout=${5:-flat}

[ -n "$prefix" ] || { echo "install.sh: empty CONFIG_PREFIX" >&2; exit 1; }
case $layout in
flat | target) ;;
*) echo "install.sh: $layout: not flat or target" >&2; exit 1 ;;
esac
# the directories as paths relative to the prefix, without empty parts
dir=$(printf '%s\n' "$dir" | sed 's|//*|/|g; s|^/||; s|/$||')

# Refuse before installing anything: a link that would replace its own
# target leaves nothing to run.
if [ "$layout" = target ]; then
	while read -r name target; do
		[ -n "$name" ] || continue
		if [ "${target##*/}" = "$name" ]; then
			echo "install.sh: $name=$target: the link would replace its own target; move the program aside (e.g. $name=$target.real)" >&2
			exit 1
		fi
	done <"$list"
fi

mkdir -p "$prefix/$dir"
cp -f "$binary" "$prefix/$dir/stdiocap.tmp"
chmod 755 "$prefix/$dir/stdiocap.tmp"
mv -f "$prefix/$dir/stdiocap.tmp" "$prefix/$dir/stdiocap"
echo "  INSTALL $prefix/$dir/stdiocap"
while read -r name target; do
	[ -n "$name" ] || continue
	if [ "$layout" = flat ]; then
		ldir=$dir
	else
		ldir=$(printf '%s\n' "${target%/*}" | sed 's|//*|/|g; s|^/||; s|/$||')
	fi
	# relative, so the tree works wherever it is mounted or chrooted:
	# one ../ per component of the link's directory
	up=$(printf '%s\n' "$ldir" | sed 's|[^/][^/]*|..|g')
	if [ "$ldir" = "$dir" ]; then
		rel=stdiocap
	else
		rel=${ldir:+$up/}${dir:+$dir/}stdiocap
	fi
	mkdir -p "$prefix/$ldir"
	ln -sfn "$rel" "$prefix${ldir:+/$ldir}/$name"
	echo "  LN      $prefix${ldir:+/$ldir}/$name -> $rel"
done <"$list"
