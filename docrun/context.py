"""What an evaluator is given of a page run: the page's shell, the machine it runs on, its
working directory and the run's options. Evaluators see nothing else of the run, and the
run (scenario.py) is handed the evaluation function rather than importing the evaluators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .machine import Machine
from .shell import Shell

DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Options:
    timeout: float = DEFAULT_TIMEOUT
    update: bool = False
    classic: bool = False                                         # the classic-builder pass: DOCKER_BUILDKIT=0
    on_wait: Callable[[], None] = field(default=lambda: None)      # called when another run holds the engine
    spared: Callable[[str], bool] = field(default=lambda tag: False)   # image tags the runner puts back itself


@dataclass(frozen=True)
class Context:
    shell: Shell
    machine: Machine
    workdir: Path
    options: Options
