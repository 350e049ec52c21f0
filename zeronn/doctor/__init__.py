"""The training doctor: records a run cheaply and says, in plain words, what is wrong and what to change.

>>> doctor = Doctor()
>>> zeronn.fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=5,
...            callbacks=[doctor])                                            # doctest: +SKIP
>>> print(doctor.report())                                                    # doctest: +SKIP

``check_data(x, y)`` runs the data checks alone.  Every finding has a stable
``code`` (``CODES``); the rules, their thresholds and sources are listed in
``zeronn.doctor.rules``.
"""

from zeronn.doctor.data_checks import check_data
from zeronn.doctor.doctor import FINDINGS_FILE, REPORT_FILE, Doctor, read_findings
from zeronn.doctor.finding import SEVERITIES, Finding
from zeronn.doctor.recorder import TrainingRecord
from zeronn.doctor.report import render_text
from zeronn.doctor.rules import CODES

__all__ = ["Doctor", "Finding", "check_data", "CODES", "SEVERITIES", "TrainingRecord", "read_findings",
           "render_text", "REPORT_FILE", "FINDINGS_FILE"]
