"""Copies the native engine, when it is built (../build/native), into the package: `pip install ./python`
then works away from the repository. Without a build the package still installs; set $SUPPORT_ENV_LIB,
$SUPPORT_ENV_EXTENSION or $SUPPORT_ENV_CLI to point it at an engine."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent / "build" / "native"
ENGINE = ["_support_env_native.abi3.so", "libsupport_env.so", "support-env"]


class BuildWithEngine(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "support_env" / "_native"
        for name in ENGINE:
            if (BUILD / name).is_file():
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(BUILD / name, target / name)


setup(cmdclass={"build_py": BuildWithEngine})
