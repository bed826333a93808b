"""Settings: defaults in code, then a TOML file, then ``REELRADAR_*`` environment variables, then flags.

Every key is documented in ``docs/config.md`` (a test checks that the two agree).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from reelradar.errors import BadInput

APP = "reelradar"


def default_config_file() -> Path:
    """The TOML file read when neither ``--config`` nor ``REELRADAR_CONFIG`` names one."""
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


class Settings(BaseSettings):
    """All of reelradar's settings. Flat keys: the same name in TOML, and upper-cased after
    ``REELRADAR_`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="REELRADAR_", extra="forbid", validate_default=True)

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir(APP)),
        description="Folder holding the catalog, the user store and staged data.",
    )
    cache_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_cache_dir(APP)),
        description="Folder for downloads and HTTP caches; safe to delete.",
    )
    country: str | None = Field(default=None, description="Your country (ISO 3166-1 alpha-2), for where to watch.")
    services: list[str] = Field(default_factory=list, description="Streaming services you have, e.g. ['Prime Video'].")

    wilson_z: float = Field(default=1.645, gt=0, description="z of the Wilson lower bound for percent-positive scores.")
    bayes_m_quantile: float = Field(
        default=0.75, gt=0, lt=1, description="Quantile of vote counts in a cohort used as the prior weight m."
    )
    min_cohort: int = Field(
        default=20, ge=2, description="Fewest scored titles a cohort needs before percentiles are taken in it."
    )
    unknown_count_floor: int = Field(
        default=5,
        ge=1,
        description="Sample size assumed when a source gives a score without its count "
        "(the fewest reviews or votes a source needs to publish a score); a lower bound stays a lower bound.",
    )
    evidence_half: float = Field(
        default=20.0, gt=0, description="Count at which a source's weight in combined acclaim reaches one half."
    )
    radar_min_acclaim: float = Field(
        default=0.80, ge=0, le=1, description="Radar: lowest combined acclaim percentile."
    )
    radar_max_awareness: float = Field(
        default=0.35, ge=0, le=1, description="Radar: highest awareness percentile (titles most people missed)."
    )
    radar_min_evidence: int = Field(
        default=20, ge=0, description="Radar: fewest reviews and votes in all, so small samples do not win."
    )
    picks_limit: int = Field(default=20, ge=1, le=1000, description="Default number of picks shown.")

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) != 2 or not value.isalpha():
            raise ValueError("country must be a two-letter code such as US or DE")
        return value.upper()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = _TOML_FILE.get("path") or default_config_file()
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.duckdb"

    @property
    def users_path(self) -> Path:
        return self.data_dir / "users.sqlite"

    @property
    def staged_dir(self) -> Path:
        return self.data_dir / "staged"


# The TOML path is chosen per load; pydantic-settings reads sources at construction time.
_TOML_FILE: dict[str, Path | None] = {"path": None}


def load_settings(config_file: Path | None = None, **flags: Any) -> Settings:
    """Load settings from defaults, the TOML file, the environment and the given flags (None = not given).

    Raises BadInput with one line naming the bad key or file.
    """
    path = config_file or (Path(os.environ["REELRADAR_CONFIG"]) if os.environ.get("REELRADAR_CONFIG") else None)
    if path is not None and not path.is_file():
        raise BadInput(f"config file {path} does not exist")
    _TOML_FILE["path"] = path
    try:
        return Settings(**{k: v for k, v in flags.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or "settings"
        raise BadInput(f"bad setting {where}: {err['msg']}") from None
    except ValueError as exc:  # a TOML syntax error surfaces as a ValueError subclass
        raise BadInput(f"config file {path or default_config_file()} is not valid TOML: {exc}") from None
    finally:
        _TOML_FILE["path"] = None
