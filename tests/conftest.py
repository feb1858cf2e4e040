"""Every test runs in Rete's default language whatever the machine's locale (LANG=en_US would
otherwise turn the CLI and console English); tests of English ask for it explicitly."""

import os

os.environ["RETE_LANG"] = "it"
