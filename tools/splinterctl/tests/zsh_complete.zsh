# zsh_complete.zsh DIR CTL LINE EXPECT -- test helper: types LINE and TAB in
# an interactive zsh (on a pseudo-terminal, zsh/zpty) whose $fpath holds
# DIR/_splinterctl and whose PATH finds CTL, then reads what zsh echoes until
# EXPECT appears. Exits 0 when it does; 1, printing what was read, when it
# has not after 30 s (a liveness bound: a loaded machine is slow, not wrong).
zmodload zsh/zpty
local dir=$1 ctl=$2 typed=$3 expect=$4 out="" chunk
zpty -b z "env -i HOME=${TMPDIR:-/tmp} PATH=${ctl:h}:/usr/bin:/bin TERM=dumb SPLINTER_BUS=$SPLINTER_BUS zsh -f -i"
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D; PS1='> '"
zpty -w -n z "$typed"$'\t'
for i in {1..600}; do
  zpty -r -t z chunk && out+=$chunk
  # What follows the last prompt: the edited line and any listing.
  if [[ ${out##*"> "} == *"$expect"* ]]; then zpty -d z; exit 0; fi
  sleep 0.05
done
zpty -d z
print -r -- "$out"
exit 1
