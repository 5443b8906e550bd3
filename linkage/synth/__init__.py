"""A synthetic Indonesian population and the agency datasets about it, with ground truth.

Realism is the point: the linkage model is tuned on it. See ``_population`` for
the hard cases, ``_datasets`` for each agency's coverage and codings, and
``_noise`` for the error kinds and rates.
"""

from linkage.synth._datasets import DATASETS, DatasetSpec
from linkage.synth._generate import SynthResult, generate
from linkage.synth._noise import Rates
from linkage.synth._write import PEOPLE_COLUMNS, TRUTH_COLUMNS

__all__ = ["DATASETS", "PEOPLE_COLUMNS", "TRUTH_COLUMNS", "DatasetSpec", "Rates", "SynthResult", "generate"]
