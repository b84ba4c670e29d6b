# completion/kdlview.bash - bash completion of kdlview's options.
# Generated from the option table (tui/options.def) by `make keys-doc`;
# edit the table, not this file. Source it, or install it as
# /usr/share/bash-completion/completions/kdlview.
_kdlview()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= eq=
	[ "$COMP_CWORD" -ge 1 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
	# --name=VALUE: bash splits at '='
	if [ "$cur" = "=" ]; then
		eq=1 cur=
	elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
		eq=1 prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
	case $prev in
	--report)
		if [ -n "$eq" ]; then
			COMPREPLY=($(compgen -f -- "$cur"))
			return 0
		fi
		;;
	--format)
		COMPREPLY=($(compgen -W "text md json dot html svg" -- "$cur"))
		return 0
		;;
	--modules)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
		;;
	--debuginfo)
		COMPREPLY=($(compgen -W "auto dwarf btf" -- "$cur"))
		return 0
		;;
	--symbols)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	--pid)
		COMPREPLY=()
		return 0
		;;
	--theme)
		COMPREPLY=($(compgen -W "default light high-contrast monochrome" -- "$cur") $(compgen -f -- "$cur"))
		return 0
		;;
	--source)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
		;;
	--fail-on)
		COMPREPLY=($(compgen -W "deadlock any" -- "$cur"))
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--report --format --force --modules --debuginfo --symbols --pid --all --theme --source --fail-on --version --help" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur")) # VMCORE, VMLINUX
	fi
}
complete -o filenames -F _kdlview kdlview
