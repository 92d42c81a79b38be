"""Shell completion: `splinterctl completion bash|zsh`, generated from the
commands' declarations and written next to the binary by the build (for
`cmake --install`). The bash script is exercised as bash runs it on TAB."""
import os
import re
import shutil
import subprocess

import cliutil

BUILT = os.path.join(os.path.dirname(os.path.abspath(cliutil.CTL)), "completions")


def ctl(*args):
    return subprocess.run([cliutil.CTL] + list(args), capture_output=True, timeout=cliutil.TIMEOUT)


def commands_in_help():
    text = ctl("--help").stdout.decode()
    section = text.split("Subcommands:")[1].split("\n\n")[0]
    return [line.split()[0] for line in section.strip().splitlines()]


def options_in_help(command):
    text = ctl(command, "--help").stdout.decode()
    return sorted(set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", text.split("Options:")[1].split("\n\n")[0])))


def bash_complete(words, env=None):
    """What bash offers for the last of `words` (the word being completed),
    as the generated function computes it on TAB."""
    script = ('source <("$CTL" completion bash)\n'
              'COMP_WORDS=("$CTL" "$@"); COMP_CWORD=$#; COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}\n'
              '_splinterctl\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    r = subprocess.run(["bash", "-c", script, "bash"] + words, capture_output=True, timeout=cliutil.TIMEOUT,
                       env=dict(env or os.environ, CTL=cliutil.CTL))
    assert r.returncode == 0, r.stderr
    return [w for w in r.stdout.decode().split("\n") if w]


class Completion(cliutil.CliTest):
    def test_the_build_writes_both_scripts_next_to_the_binary(self):
        with open(os.path.join(BUILT, "splinterctl"), "rb") as f:
            self.assertEqual(f.read(), ctl("completion", "bash").stdout)
        with open(os.path.join(BUILT, "_splinterctl"), "rb") as f:
            self.assertEqual(f.read(), ctl("completion", "zsh").stdout)

    def test_an_unknown_shell_is_a_usage_error(self):
        r = ctl("completion", "fish")
        self.assertEqual(r.returncode, 64)
        self.assertIn(b"bash and one for zsh", r.stderr)

    def test_bash_completes_command_names(self):
        self.assertEqual(bash_complete(["l"]), ["list", "load"])
        self.assertEqual(sorted(bash_complete([""])), sorted(commands_in_help()))
        self.assertEqual(bash_complete(["--shm", "x", "wat"]), ["watch"])

    def test_bash_completes_every_option_of_every_command(self):
        for command in commands_in_help():
            offered = bash_complete([command, "-"])
            for option in options_in_help(command):
                if option == "-h":
                    continue
                self.assertIn(option, offered, command)
            for option in ("--shm", "--file", "--quiet"):
                self.assertIn(option, offered, command)

    def test_bash_completes_keys_from_the_named_bus(self):
        b = self.new_bus()
        for k in ("alpha", "beta", "alpine"):
            b.ok("set", k, "v")
        self.assertEqual(sorted(bash_complete(b.flags + ["get", "al"])), ["alpha", "alpine"])
        self.assertEqual(sorted(bash_complete(b.flags + ["get", "beta", "al"])), ["alpha", "alpine"])  # several keys
        self.assertEqual(bash_complete(b.flags + ["unset", "b"]), ["beta"])
        self.assertEqual(bash_complete(b.flags + ["history", "be"]), ["beta"])
        self.assertEqual(bash_complete(b.flags + ["ttl", "be"]), ["beta"])
        self.assertEqual(bash_complete(b.flags + ["set", "--ttl", ""]), [])  # a duration
        self.assertEqual(bash_complete(b.flags + ["history", "beta", "al"]), [])  # one key only
        self.assertEqual(bash_complete(b.flags + ["create", "--change-ring", ""]), [])  # a number
        self.assertEqual(bash_complete(b.flags + ["set", "alpha", ""]), [])  # a value: nothing to offer
        self.assertEqual(bash_complete(b.flags + ["watch", "--prefix", "be"]), ["beta"])
        self.assertEqual(bash_complete(b.flags + ["watch", "--since", "al"]), [])  # an epoch
        env = dict(os.environ, SPLINTER_BUS=b.env_spec)
        self.assertEqual(bash_complete(["get", "alph"], env=env), ["alpha"])

    def test_bash_completes_files_and_shells(self):
        open(os.path.join(self.tmp, "dump.json"), "w").close()
        self.assertEqual(bash_complete(["load", self.tmp + "/du"]), [self.tmp + "/dump.json"])
        self.assertEqual(bash_complete(["--file", self.tmp + "/du"]), [self.tmp + "/dump.json"])
        self.assertEqual(bash_complete(["completion", ""]), ["bash", "zsh"])
        self.assertEqual(bash_complete(["create", "--max-value", ""]), [])

    def test_zsh_script_parses_and_registers_for_splinterctl(self):
        if shutil.which("zsh") is None:
            self.skipTest("zsh is not installed (ci/packages.txt installs it)")
        path = os.path.join(BUILT, "_splinterctl")
        r = subprocess.run(["zsh", "-n", path], capture_output=True, timeout=cliutil.TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        script = ('autoload -U compinit && compinit -u -D && source "$1" && print -r -- "$_comps[splinterctl]"')
        r = subprocess.run(["zsh", "-f", "-c", script, "zsh", path], capture_output=True, timeout=cliutil.TIMEOUT)
        self.assertEqual((r.returncode, r.stdout.decode().strip()), (0, "_splinterctl"), r.stderr)

    def zsh_completes(self, typed, expect, env=None):
        """Types `typed` and TAB in an interactive zsh that loads the built
        _splinterctl; asserts that zsh then shows `expect`."""
        if shutil.which("zsh") is None:
            self.skipTest("zsh is not installed (ci/packages.txt installs it)")
        helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zsh_complete.zsh")
        r = subprocess.run(["zsh", "-f", helper, BUILT, os.path.abspath(cliutil.CTL), typed, expect],
                           capture_output=True, timeout=2 * cliutil.TIMEOUT, env=env)
        self.assertEqual(r.returncode, 0, "zsh did not complete %r to show %r:\n%r" % (typed, expect, r.stdout))

    def test_zsh_completes_commands_options_and_keys(self):
        self.zsh_completes("splinterctl wa", "watch ")
        self.zsh_completes("splinterctl get --no", "--no-raw")
        b = self.new_bus()
        b.ok("set", "alpha", "1")
        b.ok("set", "beta", "2")
        self.zsh_completes("splinterctl %s get al" % " ".join(b.flags), "alpha ")
        self.zsh_completes("splinterctl get be", "beta ", env=dict(os.environ, SPLINTER_BUS=b.env_spec))

    def test_zsh_script_names_every_command_and_option(self):
        text = ctl("completion", "zsh").stdout.decode()
        for command in commands_in_help():
            self.assertIn("'%s:" % command, text)
            branch = text.split("\n        %s) _arguments" % command)[1].split(";;")[0]
            for option in options_in_help(command):
                if option != "-h":
                    self.assertIn(option, branch, command)


if __name__ == "__main__":
    cliutil.main()
