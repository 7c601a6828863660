"""Deforum keyframe schedules, read safely: ``"0:(0), 30:(1.5*sin(2*3.14*t/60)), max_f:(2)"``.

A schedule is a comma-separated list of ``FRAME:(VALUE)`` items. Deforum evaluates VALUE with numexpr,
with ``t`` the frame number, ``max_f`` the last frame and ``s`` the seed; FRAME may be an expression
of ``max_f`` and ``s`` too. Numbers are keyframes and Deforum interpolates linearly between them; an
expression holds from its keyframe until the next one, evaluated at every frame (see
``animation_key_frames.py`` in the Deforum extension).

These files come from strangers, so nothing here calls ``eval`` (numexpr itself has run ``eval`` on
its input in the past): the expression is parsed with ``ast`` and walked over a whitelist of numeric
nodes, names and numexpr's functions, evaluated on numpy float arrays (one pass per keyframe span, not
one per frame). Every constant is a float, so ``9**9**9`` overflows to inf at once instead of
computing a huge integer; lengths, node counts, keyframe counts and frame counts are bounded.
Problems raise ``ScheduleError`` with a message that says which key and keyframe.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

import numpy as np

MAX_EXPRESSION_CHARS = 500
MAX_EXPRESSION_NODES = 200
MAX_SCHEDULE_CHARS = 20_000
MAX_KEYFRAMES = 2_000
MAX_FRAMES = 20_000  # 22 min at 15 fps; a bound on the work a file can ask for

# numexpr's functions (its user guide), plus floor/ceil of newer numexpr; ``pi`` and ``e`` are a courtesy
# (Deforum itself would reject them; Parseq has them).
_FUNCTIONS = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan,
    "arctan2": np.arctan2, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "arcsinh": np.arcsinh,
    "arccosh": np.arccosh, "arctanh": np.arctanh, "log": np.log, "log10": np.log10, "log1p": np.log1p,
    "exp": np.exp, "expm1": np.expm1, "sqrt": np.sqrt, "abs": np.abs, "floor": np.floor, "ceil": np.ceil,
    "where": lambda c, a, b: np.where(c != 0, a, b),
}
_ARITY = {"arctan2": 2, "where": 3}
_CONSTANTS = {"pi": math.pi, "e": math.e}
_BINARY = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
    ast.Pow: np.power, ast.Mod: np.fmod,
    ast.BitAnd: lambda a, b: ((a != 0) & (b != 0)).astype(float),  # numexpr's & and | are logical
    ast.BitOr: lambda a, b: ((a != 0) | (b != 0)).astype(float),
}
_COMPARE = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
            ast.Eq: np.equal, ast.NotEq: np.not_equal}


class ScheduleError(ValueError):
    """A schedule or expression that cannot be read; the message says where."""


@dataclass(frozen=True)
class Keyframe:
    frame: int
    value: str  # the text between the parentheses
    index: int  # position in the schedule (0-based), for messages


def evaluate(expression: str, names: dict[str, float | np.ndarray], where: str = "expression") -> np.ndarray | float:
    """Evaluate a numexpr-style arithmetic ``expression`` over ``names`` (floats or float arrays).

    Raises ``ScheduleError`` naming ``where`` for anything outside the whitelist.
    """
    text = expression.strip()
    if not text:
        raise ScheduleError(f"{where}: empty value")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ScheduleError(f"{where}: expression is {len(text)} characters long (at most {MAX_EXPRESSION_CHARS})")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ScheduleError(f"{where}: cannot read {text!r}: {exc.msg}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_EXPRESSION_NODES:
        raise ScheduleError(f"{where}: expression too complex ({nodes} parts, at most {MAX_EXPRESSION_NODES})")
    with np.errstate(all="ignore"):  # non-finite results are reported below, with the frame
        return _Evaluator(names, where).visit(tree.body)


class _Evaluator:
    def __init__(self, names: dict[str, float | np.ndarray], where: str):
        self.names = names
        self.where = where

    def fail(self, message: str):
        raise ScheduleError(f"{self.where}: {message}")

    def visit(self, node: ast.AST):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                self.fail(f"{node.value!r} is not a number")
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in _CONSTANTS:
                return _CONSTANTS[node.id]
            if node.id in _FUNCTIONS:
                self.fail(f"{node.id!r} is a function: call it, e.g. {node.id}(t)")
            known = ", ".join(sorted(self.names))
            self.fail(f"unknown name {node.id!r} (known: {known}, pi and numexpr functions)")
        if isinstance(node, ast.UnaryOp):
            value = self.visit(node.operand)
            if isinstance(node.op, ast.USub):
                return -value
            if isinstance(node.op, ast.UAdd):
                return value
            if isinstance(node.op, ast.Invert):
                return (np.asarray(value) == 0).astype(float)
            self.fail("'not' is not allowed; use ~ as numexpr does")
        if isinstance(node, ast.BinOp):
            op = _BINARY.get(type(node.op))
            if op is None:
                self.fail(f"operator {type(node.op).__name__} is not allowed")
            return op(self.visit(node.left), self.visit(node.right))
        if isinstance(node, ast.Compare):
            left = self.visit(node.left)
            result = None
            for op_node, right_node in zip(node.ops, node.comparators):
                op = _COMPARE.get(type(op_node))
                if op is None:
                    self.fail(f"comparison {type(op_node).__name__} is not allowed")
                right = self.visit(right_node)
                part = op(left, right)
                result = part if result is None else (result & part)
                left = right
            return np.asarray(result).astype(float)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                self.fail(f"only plain calls like sin(t) are allowed, not {ast.unparse(node.func)[:40]!r}")
            if node.func.id not in _FUNCTIONS:
                self.fail(f"unknown function {node.func.id!r}")
            if node.keywords:
                self.fail(f"{node.func.id}() takes no keyword arguments")
            arity = _ARITY.get(node.func.id, 1)
            if len(node.args) != arity:
                self.fail(f"{node.func.id}() takes {arity} argument(s), got {len(node.args)}")
            return _FUNCTIONS[node.func.id](*(self.visit(a) for a in node.args))
        kind = type(node).__name__
        self.fail(f"{kind} is not allowed in a schedule (numbers, t, max_f, s, + - * / ** %, comparisons and "
                  "numexpr functions only)")


def split_items(schedule: str) -> list[str]:
    """Split at commas outside parentheses and quotes (``where(a, b, c)`` stays whole)."""
    items, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(schedule):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(schedule[start:i])
            start = i + 1
    items.append(schedule[start:])
    return [item.strip() for item in items if item.strip()]


def parse_keyframes(key: str, schedule: str, max_frames: int, seed: float = -1) -> list[Keyframe]:
    """The keyframes of a schedule string, frames evaluated (they may be ``max_f``-expressions)."""
    if not isinstance(schedule, str):
        raise ScheduleError(f"{key}: expected a schedule string like \"0:(0)\", got {type(schedule).__name__}")
    if len(schedule) > MAX_SCHEDULE_CHARS:
        raise ScheduleError(f"{key}: schedule is {len(schedule)} characters long (at most {MAX_SCHEDULE_CHARS})")
    items = split_items(schedule)
    if not items:
        raise ScheduleError(f"{key}: empty schedule; write e.g. \"0:(0)\"")
    if len(items) > MAX_KEYFRAMES:
        raise ScheduleError(f"{key}: {len(items)} keyframes (at most {MAX_KEYFRAMES})")
    keyframes = []
    for index, item in enumerate(items):
        head, colon, value = item.partition(":")
        value = value.strip()
        if not colon or not _enclosed(value):
            raise ScheduleError(f"{key}, item {index + 1} ({item[:40]!r}): expected FRAME:(VALUE), e.g. 30:(1.5)")
        frame_text = head.strip().strip("'\"")
        where = f"{key}, item {index + 1}"
        frame_value = evaluate(frame_text, {"max_f": float(max_frames - 1), "s": float(seed)}, f"{where} frame")
        if not isinstance(frame_value, float) or not math.isfinite(frame_value):
            raise ScheduleError(f"{where}: frame {frame_text!r} is not a finite number")
        keyframes.append(Keyframe(int(frame_value), value[1:-1].strip(), index))
    return keyframes


def schedule_series(key: str, schedule: str, max_frames: int, seed: float = -1) -> tuple[np.ndarray, list[str]]:
    """Per-frame values (float64 [max_frames]) of a schedule, as Deforum computes them, and notes about
    keyframes it ignores (outside the clip). Raises ``ScheduleError``."""
    if not 1 <= max_frames <= MAX_FRAMES:
        raise ScheduleError(f"max_frames: {max_frames} is outside 1..{MAX_FRAMES}")
    keyframes = {}
    notes = []
    for kf in parse_keyframes(key, schedule, max_frames, seed):
        if not 0 <= kf.frame < max_frames:
            notes.append(f"{key}, keyframe {kf.frame}: outside frames 0..{max_frames - 1}, ignored (as Deforum does)")
            continue
        keyframes[kf.frame] = kf  # a later item for the same frame wins, as in Deforum's dict
    if not keyframes:
        raise ScheduleError(f"{key}: no keyframe inside frames 0..{max_frames - 1}")
    series = np.full(max_frames, np.nan)
    frames = sorted(keyframes)
    for i, frame in enumerate(frames):
        kf = keyframes[frame]
        end = frames[i + 1] if i + 1 < len(frames) else max_frames
        where = f"{key}, keyframe {frame}"
        number = _number(kf.value)
        if number is not None:
            series[frame] = number
            continue
        # An expression holds from its keyframe up to the next keyframe, evaluated at each frame.
        t = np.arange(frame, end, dtype=float)
        value = evaluate(kf.value, {"t": t, "max_f": float(max_frames - 1), "s": float(seed)}, where)
        values = np.broadcast_to(np.asarray(value, dtype=float), t.shape)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ScheduleError(f"{where}: {kf.value!r} is not a finite number at frame {frame + int(bad[0])}")
        series[frame:end] = values
    return _interpolate(series), notes


def _enclosed(value: str) -> bool:
    """``(…)`` whose first parenthesis closes at the very end (``(1) 30:(2)`` is two items run together)."""
    if not (value.startswith("(") and value.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(value):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and i < len(value) - 1:
            return False
    return depth == 0


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().strip("'\""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _interpolate(series: np.ndarray) -> np.ndarray:
    """Linear in-betweens between known frames; constant before the first and after the last."""
    known = np.flatnonzero(~np.isnan(series))
    return np.interp(np.arange(series.size), known, series[known])
