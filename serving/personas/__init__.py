"""Personas: one YAML file each, validated by a pydantic schema, loaded into a registry."""

from serving.personas.registry import PersonaRegistry, Problem, load_personas, validate_dir
from serving.personas.schema import Persona, PersonaExample, PersonaStyle

__all__ = ["Persona", "PersonaExample", "PersonaStyle", "PersonaRegistry", "Problem", "load_personas",
           "validate_dir"]
