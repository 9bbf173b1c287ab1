"""Benchmarks run by `make bench`: each measured against a baseline in the same run."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    ratio: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
