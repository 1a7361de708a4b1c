"""Voz Segura: a Telegram bot, in Costa Rican Spanish, that consults children safely and
gets their disclosures to a protection officer.

Packages are named after the nouns of the domain: engine, agent (Rasa), triage,
storage, channels (telegram, terminal), cli. Channels depend on the engine; the engine never
imports a channel.
"""

import os as _os
from pathlib import Path as _Path

# The repository root: data files (domain/, nlu/, locales/, campaigns/, ...) are read from it.
ROOT = _Path(__file__).resolve().parent.parent

# One thread per BLAS/OpenMP pool. Why: on two cores, numpy's and scikit-learn's thread
# pools spin against each other and against the event loop; training the model spent
# 144 s in the kernel with the default pools and 8 s with one thread each. These must be
# set before numpy is first imported, which is why they live here.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_variable, "1")
