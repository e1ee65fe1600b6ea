from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SemanticClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEMANTIC_CLASS_UNSPECIFIED: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_SUBJECT: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_SKY: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_BACKGROUND: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_PERSON: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_FACE_SKIN: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_BODY_SKIN: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_HAIR: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_LIPS: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_IRIS_PUPIL: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_EYE_WHITES: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_EYEBROWS: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_CLOTHES: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_TEETH: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_ARCHITECTURE: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_NATURAL_GROUND: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_VEGETATION: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_WATER: _ClassVar[SemanticClass]
    SEMANTIC_CLASS_MOUNTAINS: _ClassVar[SemanticClass]

class MaskBlend(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MASK_BLEND_ADD: _ClassVar[MaskBlend]
    MASK_BLEND_SUBTRACT: _ClassVar[MaskBlend]
    MASK_BLEND_INTERSECT: _ClassVar[MaskBlend]

class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEVERITY_UNSPECIFIED: _ClassVar[Severity]
    SEVERITY_MINOR: _ClassVar[Severity]
    SEVERITY_MODERATE: _ClassVar[Severity]
    SEVERITY_MAJOR: _ClassVar[Severity]

class MaskMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MASK_MODE_NONE: _ClassVar[MaskMode]
    MASK_MODE_AUTO: _ClassVar[MaskMode]
    MASK_MODE_LIST: _ClassVar[MaskMode]

class ColorSpace(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COLOR_SPACE_SRGB: _ClassVar[ColorSpace]
    COLOR_SPACE_DISPLAY_P3: _ClassVar[ColorSpace]
    COLOR_SPACE_ADOBE_RGB: _ClassVar[ColorSpace]
    COLOR_SPACE_PROPHOTO_RGB: _ClassVar[ColorSpace]

class ImageFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMAGE_FORMAT_JPEG: _ClassVar[ImageFormat]
    IMAGE_FORMAT_TIFF16: _ClassVar[ImageFormat]
    IMAGE_FORMAT_PNG: _ClassVar[ImageFormat]
SEMANTIC_CLASS_UNSPECIFIED: SemanticClass
SEMANTIC_CLASS_SUBJECT: SemanticClass
SEMANTIC_CLASS_SKY: SemanticClass
SEMANTIC_CLASS_BACKGROUND: SemanticClass
SEMANTIC_CLASS_PERSON: SemanticClass
SEMANTIC_CLASS_FACE_SKIN: SemanticClass
SEMANTIC_CLASS_BODY_SKIN: SemanticClass
SEMANTIC_CLASS_HAIR: SemanticClass
SEMANTIC_CLASS_LIPS: SemanticClass
SEMANTIC_CLASS_IRIS_PUPIL: SemanticClass
SEMANTIC_CLASS_EYE_WHITES: SemanticClass
SEMANTIC_CLASS_EYEBROWS: SemanticClass
SEMANTIC_CLASS_CLOTHES: SemanticClass
SEMANTIC_CLASS_TEETH: SemanticClass
SEMANTIC_CLASS_ARCHITECTURE: SemanticClass
SEMANTIC_CLASS_NATURAL_GROUND: SemanticClass
SEMANTIC_CLASS_VEGETATION: SemanticClass
SEMANTIC_CLASS_WATER: SemanticClass
SEMANTIC_CLASS_MOUNTAINS: SemanticClass
MASK_BLEND_ADD: MaskBlend
MASK_BLEND_SUBTRACT: MaskBlend
MASK_BLEND_INTERSECT: MaskBlend
SEVERITY_UNSPECIFIED: Severity
SEVERITY_MINOR: Severity
SEVERITY_MODERATE: Severity
SEVERITY_MAJOR: Severity
MASK_MODE_NONE: MaskMode
MASK_MODE_AUTO: MaskMode
MASK_MODE_LIST: MaskMode
COLOR_SPACE_SRGB: ColorSpace
COLOR_SPACE_DISPLAY_P3: ColorSpace
COLOR_SPACE_ADOBE_RGB: ColorSpace
COLOR_SPACE_PROPHOTO_RGB: ColorSpace
IMAGE_FORMAT_JPEG: ImageFormat
IMAGE_FORMAT_TIFF16: ImageFormat
IMAGE_FORMAT_PNG: ImageFormat

class InlinePhoto(_message.Message):
    __slots__ = ("data", "file_name")
    DATA_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    file_name: str
    def __init__(self, data: _Optional[bytes] = ..., file_name: _Optional[str] = ...) -> None: ...

class PhotoRef(_message.Message):
    __slots__ = ("path", "inline")
    PATH_FIELD_NUMBER: _ClassVar[int]
    INLINE_FIELD_NUMBER: _ClassVar[int]
    path: str
    inline: InlinePhoto
    def __init__(self, path: _Optional[str] = ..., inline: _Optional[_Union[InlinePhoto, _Mapping]] = ...) -> None: ...

class ImageInfo(_message.Message):
    __slots__ = ("width", "height", "orientation", "is_raw", "format", "camera_make", "camera_model", "as_shot_temperature", "as_shot_tint", "bits_per_sample", "decoder", "iso", "exposure_time_s", "f_number", "focal_length_mm", "flash_fired", "color_space")
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    ORIENTATION_FIELD_NUMBER: _ClassVar[int]
    IS_RAW_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    CAMERA_MAKE_FIELD_NUMBER: _ClassVar[int]
    CAMERA_MODEL_FIELD_NUMBER: _ClassVar[int]
    AS_SHOT_TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    AS_SHOT_TINT_FIELD_NUMBER: _ClassVar[int]
    BITS_PER_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    DECODER_FIELD_NUMBER: _ClassVar[int]
    ISO_FIELD_NUMBER: _ClassVar[int]
    EXPOSURE_TIME_S_FIELD_NUMBER: _ClassVar[int]
    F_NUMBER_FIELD_NUMBER: _ClassVar[int]
    FOCAL_LENGTH_MM_FIELD_NUMBER: _ClassVar[int]
    FLASH_FIRED_FIELD_NUMBER: _ClassVar[int]
    COLOR_SPACE_FIELD_NUMBER: _ClassVar[int]
    width: int
    height: int
    orientation: int
    is_raw: bool
    format: str
    camera_make: str
    camera_model: str
    as_shot_temperature: float
    as_shot_tint: float
    bits_per_sample: int
    decoder: str
    iso: float
    exposure_time_s: float
    f_number: float
    focal_length_mm: float
    flash_fired: bool
    color_space: str
    def __init__(self, width: _Optional[int] = ..., height: _Optional[int] = ..., orientation: _Optional[int] = ..., is_raw: _Optional[bool] = ..., format: _Optional[str] = ..., camera_make: _Optional[str] = ..., camera_model: _Optional[str] = ..., as_shot_temperature: _Optional[float] = ..., as_shot_tint: _Optional[float] = ..., bits_per_sample: _Optional[int] = ..., decoder: _Optional[str] = ..., iso: _Optional[float] = ..., exposure_time_s: _Optional[float] = ..., f_number: _Optional[float] = ..., focal_length_mm: _Optional[float] = ..., flash_fired: _Optional[bool] = ..., color_space: _Optional[str] = ...) -> None: ...

class CurvePoint(_message.Message):
    __slots__ = ("x", "y")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    x: int
    y: int
    def __init__(self, x: _Optional[int] = ..., y: _Optional[int] = ...) -> None: ...

class AdjustmentSet(_message.Message):
    __slots__ = ("exposure_2012", "contrast_2012", "highlights_2012", "shadows_2012", "whites_2012", "blacks_2012", "texture", "clarity_2012", "dehaze", "vibrance", "saturation", "temperature", "tint", "incremental_temperature", "incremental_tint", "tone_curve_pv2012", "reasons")
    class ReasonsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EXPOSURE_2012_FIELD_NUMBER: _ClassVar[int]
    CONTRAST_2012_FIELD_NUMBER: _ClassVar[int]
    HIGHLIGHTS_2012_FIELD_NUMBER: _ClassVar[int]
    SHADOWS_2012_FIELD_NUMBER: _ClassVar[int]
    WHITES_2012_FIELD_NUMBER: _ClassVar[int]
    BLACKS_2012_FIELD_NUMBER: _ClassVar[int]
    TEXTURE_FIELD_NUMBER: _ClassVar[int]
    CLARITY_2012_FIELD_NUMBER: _ClassVar[int]
    DEHAZE_FIELD_NUMBER: _ClassVar[int]
    VIBRANCE_FIELD_NUMBER: _ClassVar[int]
    SATURATION_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TINT_FIELD_NUMBER: _ClassVar[int]
    INCREMENTAL_TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    INCREMENTAL_TINT_FIELD_NUMBER: _ClassVar[int]
    TONE_CURVE_PV2012_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    exposure_2012: float
    contrast_2012: float
    highlights_2012: float
    shadows_2012: float
    whites_2012: float
    blacks_2012: float
    texture: float
    clarity_2012: float
    dehaze: float
    vibrance: float
    saturation: float
    temperature: float
    tint: float
    incremental_temperature: float
    incremental_tint: float
    tone_curve_pv2012: _containers.RepeatedCompositeFieldContainer[CurvePoint]
    reasons: _containers.ScalarMap[str, str]
    def __init__(self, exposure_2012: _Optional[float] = ..., contrast_2012: _Optional[float] = ..., highlights_2012: _Optional[float] = ..., shadows_2012: _Optional[float] = ..., whites_2012: _Optional[float] = ..., blacks_2012: _Optional[float] = ..., texture: _Optional[float] = ..., clarity_2012: _Optional[float] = ..., dehaze: _Optional[float] = ..., vibrance: _Optional[float] = ..., saturation: _Optional[float] = ..., temperature: _Optional[float] = ..., tint: _Optional[float] = ..., incremental_temperature: _Optional[float] = ..., incremental_tint: _Optional[float] = ..., tone_curve_pv2012: _Optional[_Iterable[_Union[CurvePoint, _Mapping]]] = ..., reasons: _Optional[_Mapping[str, str]] = ...) -> None: ...

class LocalAdjustmentSet(_message.Message):
    __slots__ = ("exposure", "contrast", "highlights", "shadows", "whites", "blacks", "texture", "clarity", "dehaze", "temperature", "tint", "saturation", "reasons")
    class ReasonsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    CONTRAST_FIELD_NUMBER: _ClassVar[int]
    HIGHLIGHTS_FIELD_NUMBER: _ClassVar[int]
    SHADOWS_FIELD_NUMBER: _ClassVar[int]
    WHITES_FIELD_NUMBER: _ClassVar[int]
    BLACKS_FIELD_NUMBER: _ClassVar[int]
    TEXTURE_FIELD_NUMBER: _ClassVar[int]
    CLARITY_FIELD_NUMBER: _ClassVar[int]
    DEHAZE_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TINT_FIELD_NUMBER: _ClassVar[int]
    SATURATION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    exposure: float
    contrast: float
    highlights: float
    shadows: float
    whites: float
    blacks: float
    texture: float
    clarity: float
    dehaze: float
    temperature: float
    tint: float
    saturation: float
    reasons: _containers.ScalarMap[str, str]
    def __init__(self, exposure: _Optional[float] = ..., contrast: _Optional[float] = ..., highlights: _Optional[float] = ..., shadows: _Optional[float] = ..., whites: _Optional[float] = ..., blacks: _Optional[float] = ..., texture: _Optional[float] = ..., clarity: _Optional[float] = ..., dehaze: _Optional[float] = ..., temperature: _Optional[float] = ..., tint: _Optional[float] = ..., saturation: _Optional[float] = ..., reasons: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Point(_message.Message):
    __slots__ = ("x", "y")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ...) -> None: ...

class SemanticMask(_message.Message):
    __slots__ = ("semantic_class", "prompt", "reference_point")
    SEMANTIC_CLASS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_POINT_FIELD_NUMBER: _ClassVar[int]
    semantic_class: SemanticClass
    prompt: str
    reference_point: Point
    def __init__(self, semantic_class: _Optional[_Union[SemanticClass, str]] = ..., prompt: _Optional[str] = ..., reference_point: _Optional[_Union[Point, _Mapping]] = ...) -> None: ...

class LinearGradient(_message.Message):
    __slots__ = ("zero", "full")
    ZERO_FIELD_NUMBER: _ClassVar[int]
    FULL_FIELD_NUMBER: _ClassVar[int]
    zero: Point
    full: Point
    def __init__(self, zero: _Optional[_Union[Point, _Mapping]] = ..., full: _Optional[_Union[Point, _Mapping]] = ...) -> None: ...

class RadialGradient(_message.Message):
    __slots__ = ("top", "left", "bottom", "right", "angle", "feather", "roundness", "flipped")
    TOP_FIELD_NUMBER: _ClassVar[int]
    LEFT_FIELD_NUMBER: _ClassVar[int]
    BOTTOM_FIELD_NUMBER: _ClassVar[int]
    RIGHT_FIELD_NUMBER: _ClassVar[int]
    ANGLE_FIELD_NUMBER: _ClassVar[int]
    FEATHER_FIELD_NUMBER: _ClassVar[int]
    ROUNDNESS_FIELD_NUMBER: _ClassVar[int]
    FLIPPED_FIELD_NUMBER: _ClassVar[int]
    top: float
    left: float
    bottom: float
    right: float
    angle: float
    feather: float
    roundness: float
    flipped: bool
    def __init__(self, top: _Optional[float] = ..., left: _Optional[float] = ..., bottom: _Optional[float] = ..., right: _Optional[float] = ..., angle: _Optional[float] = ..., feather: _Optional[float] = ..., roundness: _Optional[float] = ..., flipped: _Optional[bool] = ...) -> None: ...

class LuminanceRange(_message.Message):
    __slots__ = ("min", "max", "smoothness")
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    SMOOTHNESS_FIELD_NUMBER: _ClassVar[int]
    min: float
    max: float
    smoothness: float
    def __init__(self, min: _Optional[float] = ..., max: _Optional[float] = ..., smoothness: _Optional[float] = ...) -> None: ...

class RasterMask(_message.Message):
    __slots__ = ("png", "width", "height")
    PNG_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    png: bytes
    width: int
    height: int
    def __init__(self, png: _Optional[bytes] = ..., width: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class BrushStroke(_message.Message):
    __slots__ = ("radius", "flow", "center_weight", "value", "dabs")
    RADIUS_FIELD_NUMBER: _ClassVar[int]
    FLOW_FIELD_NUMBER: _ClassVar[int]
    CENTER_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    DABS_FIELD_NUMBER: _ClassVar[int]
    radius: float
    flow: float
    center_weight: float
    value: float
    dabs: _containers.RepeatedCompositeFieldContainer[Point]
    def __init__(self, radius: _Optional[float] = ..., flow: _Optional[float] = ..., center_weight: _Optional[float] = ..., value: _Optional[float] = ..., dabs: _Optional[_Iterable[_Union[Point, _Mapping]]] = ...) -> None: ...

class BrushMask(_message.Message):
    __slots__ = ("strokes",)
    STROKES_FIELD_NUMBER: _ClassVar[int]
    strokes: _containers.RepeatedCompositeFieldContainer[BrushStroke]
    def __init__(self, strokes: _Optional[_Iterable[_Union[BrushStroke, _Mapping]]] = ...) -> None: ...

class Mask(_message.Message):
    __slots__ = ("semantic", "linear_gradient", "radial_gradient", "luminance_range", "raster", "brush", "blend", "inverted")
    SEMANTIC_FIELD_NUMBER: _ClassVar[int]
    LINEAR_GRADIENT_FIELD_NUMBER: _ClassVar[int]
    RADIAL_GRADIENT_FIELD_NUMBER: _ClassVar[int]
    LUMINANCE_RANGE_FIELD_NUMBER: _ClassVar[int]
    RASTER_FIELD_NUMBER: _ClassVar[int]
    BRUSH_FIELD_NUMBER: _ClassVar[int]
    BLEND_FIELD_NUMBER: _ClassVar[int]
    INVERTED_FIELD_NUMBER: _ClassVar[int]
    semantic: SemanticMask
    linear_gradient: LinearGradient
    radial_gradient: RadialGradient
    luminance_range: LuminanceRange
    raster: RasterMask
    brush: BrushMask
    blend: MaskBlend
    inverted: bool
    def __init__(self, semantic: _Optional[_Union[SemanticMask, _Mapping]] = ..., linear_gradient: _Optional[_Union[LinearGradient, _Mapping]] = ..., radial_gradient: _Optional[_Union[RadialGradient, _Mapping]] = ..., luminance_range: _Optional[_Union[LuminanceRange, _Mapping]] = ..., raster: _Optional[_Union[RasterMask, _Mapping]] = ..., brush: _Optional[_Union[BrushMask, _Mapping]] = ..., blend: _Optional[_Union[MaskBlend, str]] = ..., inverted: _Optional[bool] = ...) -> None: ...

class MaskForm(_message.Message):
    __slots__ = ("components",)
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    components: _containers.RepeatedCompositeFieldContainer[Mask]
    def __init__(self, components: _Optional[_Iterable[_Union[Mask, _Mapping]]] = ...) -> None: ...

class BoundingBox(_message.Message):
    __slots__ = ("left", "top", "right", "bottom")
    LEFT_FIELD_NUMBER: _ClassVar[int]
    TOP_FIELD_NUMBER: _ClassVar[int]
    RIGHT_FIELD_NUMBER: _ClassVar[int]
    BOTTOM_FIELD_NUMBER: _ClassVar[int]
    left: float
    top: float
    right: float
    bottom: float
    def __init__(self, left: _Optional[float] = ..., top: _Optional[float] = ..., right: _Optional[float] = ..., bottom: _Optional[float] = ...) -> None: ...

class MaskedAdjustment(_message.Message):
    __slots__ = ("name", "forms", "adjustments", "amount", "confidence", "bbox", "reason", "backend")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMS_FIELD_NUMBER: _ClassVar[int]
    ADJUSTMENTS_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    BBOX_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    name: str
    forms: _containers.RepeatedCompositeFieldContainer[MaskForm]
    adjustments: LocalAdjustmentSet
    amount: float
    confidence: float
    bbox: BoundingBox
    reason: str
    backend: str
    def __init__(self, name: _Optional[str] = ..., forms: _Optional[_Iterable[_Union[MaskForm, _Mapping]]] = ..., adjustments: _Optional[_Union[LocalAdjustmentSet, _Mapping]] = ..., amount: _Optional[float] = ..., confidence: _Optional[float] = ..., bbox: _Optional[_Union[BoundingBox, _Mapping]] = ..., reason: _Optional[str] = ..., backend: _Optional[str] = ...) -> None: ...

class CritiqueIssue(_message.Message):
    __slots__ = ("attribute", "severity", "description")
    ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    attribute: str
    severity: Severity
    description: str
    def __init__(self, attribute: _Optional[str] = ..., severity: _Optional[_Union[Severity, str]] = ..., description: _Optional[str] = ...) -> None: ...

class Geometry(_message.Message):
    __slots__ = ("straighten_angle", "crop")
    STRAIGHTEN_ANGLE_FIELD_NUMBER: _ClassVar[int]
    CROP_FIELD_NUMBER: _ClassVar[int]
    straighten_angle: float
    crop: BoundingBox
    def __init__(self, straighten_angle: _Optional[float] = ..., crop: _Optional[_Union[BoundingBox, _Mapping]] = ...) -> None: ...

class Suggestion(_message.Message):
    __slots__ = ("text", "attribute", "adjustments", "masked", "geometry", "expected_gain")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    ADJUSTMENTS_FIELD_NUMBER: _ClassVar[int]
    MASKED_FIELD_NUMBER: _ClassVar[int]
    GEOMETRY_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_GAIN_FIELD_NUMBER: _ClassVar[int]
    text: str
    attribute: str
    adjustments: AdjustmentSet
    masked: MaskedAdjustment
    geometry: Geometry
    expected_gain: float
    def __init__(self, text: _Optional[str] = ..., attribute: _Optional[str] = ..., adjustments: _Optional[_Union[AdjustmentSet, _Mapping]] = ..., masked: _Optional[_Union[MaskedAdjustment, _Mapping]] = ..., geometry: _Optional[_Union[Geometry, _Mapping]] = ..., expected_gain: _Optional[float] = ...) -> None: ...

class Critique(_message.Message):
    __slots__ = ("reasoning", "issues", "suggestions", "score", "sub_scores", "backend")
    class SubScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    REASONING_FIELD_NUMBER: _ClassVar[int]
    ISSUES_FIELD_NUMBER: _ClassVar[int]
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SUB_SCORES_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    reasoning: str
    issues: _containers.RepeatedCompositeFieldContainer[CritiqueIssue]
    suggestions: _containers.RepeatedCompositeFieldContainer[Suggestion]
    score: float
    sub_scores: _containers.ScalarMap[str, float]
    backend: str
    def __init__(self, reasoning: _Optional[str] = ..., issues: _Optional[_Iterable[_Union[CritiqueIssue, _Mapping]]] = ..., suggestions: _Optional[_Iterable[_Union[Suggestion, _Mapping]]] = ..., score: _Optional[float] = ..., sub_scores: _Optional[_Mapping[str, float]] = ..., backend: _Optional[str] = ...) -> None: ...

class AnalyzeOptions(_message.Message):
    __slots__ = ("predictor", "mask_mode", "mask_classes", "critique", "style_profile", "analysis_size", "critic", "critic_model")
    PREDICTOR_FIELD_NUMBER: _ClassVar[int]
    MASK_MODE_FIELD_NUMBER: _ClassVar[int]
    MASK_CLASSES_FIELD_NUMBER: _ClassVar[int]
    CRITIQUE_FIELD_NUMBER: _ClassVar[int]
    STYLE_PROFILE_FIELD_NUMBER: _ClassVar[int]
    ANALYSIS_SIZE_FIELD_NUMBER: _ClassVar[int]
    CRITIC_FIELD_NUMBER: _ClassVar[int]
    CRITIC_MODEL_FIELD_NUMBER: _ClassVar[int]
    predictor: str
    mask_mode: MaskMode
    mask_classes: _containers.RepeatedScalarFieldContainer[str]
    critique: bool
    style_profile: str
    analysis_size: int
    critic: str
    critic_model: str
    def __init__(self, predictor: _Optional[str] = ..., mask_mode: _Optional[_Union[MaskMode, str]] = ..., mask_classes: _Optional[_Iterable[str]] = ..., critique: _Optional[bool] = ..., style_profile: _Optional[str] = ..., analysis_size: _Optional[int] = ..., critic: _Optional[str] = ..., critic_model: _Optional[str] = ...) -> None: ...

class AnalyzeRequest(_message.Message):
    __slots__ = ("request_id", "photo", "options")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    photo: PhotoRef
    options: AnalyzeOptions
    def __init__(self, request_id: _Optional[str] = ..., photo: _Optional[_Union[PhotoRef, _Mapping]] = ..., options: _Optional[_Union[AnalyzeOptions, _Mapping]] = ...) -> None: ...

class PhotoError(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: int
    message: str
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class Analysis(_message.Message):
    __slots__ = ("info", "adjustments", "masks", "critique", "predictor", "decode_ms", "analyze_ms")
    INFO_FIELD_NUMBER: _ClassVar[int]
    ADJUSTMENTS_FIELD_NUMBER: _ClassVar[int]
    MASKS_FIELD_NUMBER: _ClassVar[int]
    CRITIQUE_FIELD_NUMBER: _ClassVar[int]
    PREDICTOR_FIELD_NUMBER: _ClassVar[int]
    DECODE_MS_FIELD_NUMBER: _ClassVar[int]
    ANALYZE_MS_FIELD_NUMBER: _ClassVar[int]
    info: ImageInfo
    adjustments: AdjustmentSet
    masks: _containers.RepeatedCompositeFieldContainer[MaskedAdjustment]
    critique: Critique
    predictor: str
    decode_ms: float
    analyze_ms: float
    def __init__(self, info: _Optional[_Union[ImageInfo, _Mapping]] = ..., adjustments: _Optional[_Union[AdjustmentSet, _Mapping]] = ..., masks: _Optional[_Iterable[_Union[MaskedAdjustment, _Mapping]]] = ..., critique: _Optional[_Union[Critique, _Mapping]] = ..., predictor: _Optional[str] = ..., decode_ms: _Optional[float] = ..., analyze_ms: _Optional[float] = ...) -> None: ...

class AnalyzeResponse(_message.Message):
    __slots__ = ("request_id", "analysis", "error")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ANALYSIS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    analysis: Analysis
    error: PhotoError
    def __init__(self, request_id: _Optional[str] = ..., analysis: _Optional[_Union[Analysis, _Mapping]] = ..., error: _Optional[_Union[PhotoError, _Mapping]] = ...) -> None: ...

class RenderRequest(_message.Message):
    __slots__ = ("photo", "adjustments", "masks", "long_side", "color_space", "format", "jpeg_quality")
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    ADJUSTMENTS_FIELD_NUMBER: _ClassVar[int]
    MASKS_FIELD_NUMBER: _ClassVar[int]
    LONG_SIDE_FIELD_NUMBER: _ClassVar[int]
    COLOR_SPACE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    JPEG_QUALITY_FIELD_NUMBER: _ClassVar[int]
    photo: PhotoRef
    adjustments: AdjustmentSet
    masks: _containers.RepeatedCompositeFieldContainer[MaskedAdjustment]
    long_side: int
    color_space: ColorSpace
    format: ImageFormat
    jpeg_quality: int
    def __init__(self, photo: _Optional[_Union[PhotoRef, _Mapping]] = ..., adjustments: _Optional[_Union[AdjustmentSet, _Mapping]] = ..., masks: _Optional[_Iterable[_Union[MaskedAdjustment, _Mapping]]] = ..., long_side: _Optional[int] = ..., color_space: _Optional[_Union[ColorSpace, str]] = ..., format: _Optional[_Union[ImageFormat, str]] = ..., jpeg_quality: _Optional[int] = ...) -> None: ...

class RenderResponse(_message.Message):
    __slots__ = ("image", "width", "height", "mime_type", "render_ms")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    RENDER_MS_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    width: int
    height: int
    mime_type: str
    render_ms: float
    def __init__(self, image: _Optional[bytes] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., mime_type: _Optional[str] = ..., render_ms: _Optional[float] = ...) -> None: ...

class SegmentRequest(_message.Message):
    __slots__ = ("photo", "prompt", "steps", "ensemble", "seed", "model", "enhance", "coconet_mode")
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    ENSEMBLE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ENHANCE_FIELD_NUMBER: _ClassVar[int]
    COCONET_MODE_FIELD_NUMBER: _ClassVar[int]
    photo: PhotoRef
    prompt: str
    steps: int
    ensemble: int
    seed: int
    model: str
    enhance: bool
    coconet_mode: str
    def __init__(self, photo: _Optional[_Union[PhotoRef, _Mapping]] = ..., prompt: _Optional[str] = ..., steps: _Optional[int] = ..., ensemble: _Optional[int] = ..., seed: _Optional[int] = ..., model: _Optional[str] = ..., enhance: _Optional[bool] = ..., coconet_mode: _Optional[str] = ...) -> None: ...

class SegmentResponse(_message.Message):
    __slots__ = ("info", "mask", "confidence", "bbox", "masked", "backend")
    INFO_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    BBOX_FIELD_NUMBER: _ClassVar[int]
    MASKED_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    info: ImageInfo
    mask: RasterMask
    confidence: float
    bbox: BoundingBox
    masked: MaskedAdjustment
    backend: str
    def __init__(self, info: _Optional[_Union[ImageInfo, _Mapping]] = ..., mask: _Optional[_Union[RasterMask, _Mapping]] = ..., confidence: _Optional[float] = ..., bbox: _Optional[_Union[BoundingBox, _Mapping]] = ..., masked: _Optional[_Union[MaskedAdjustment, _Mapping]] = ..., backend: _Optional[str] = ...) -> None: ...

class GenerateRequest(_message.Message):
    __slots__ = ("photo", "instruction", "backend", "strength", "seed", "adjustments", "format", "color_space", "long_side", "model")
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    STRENGTH_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    ADJUSTMENTS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    COLOR_SPACE_FIELD_NUMBER: _ClassVar[int]
    LONG_SIDE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    photo: PhotoRef
    instruction: str
    backend: str
    strength: float
    seed: int
    adjustments: AdjustmentSet
    format: ImageFormat
    color_space: ColorSpace
    long_side: int
    model: str
    def __init__(self, photo: _Optional[_Union[PhotoRef, _Mapping]] = ..., instruction: _Optional[str] = ..., backend: _Optional[str] = ..., strength: _Optional[float] = ..., seed: _Optional[int] = ..., adjustments: _Optional[_Union[AdjustmentSet, _Mapping]] = ..., format: _Optional[_Union[ImageFormat, str]] = ..., color_space: _Optional[_Union[ColorSpace, str]] = ..., long_side: _Optional[int] = ..., model: _Optional[str] = ...) -> None: ...

class GenerateProgress(_message.Message):
    __slots__ = ("stage", "fraction", "message")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    stage: str
    fraction: float
    message: str
    def __init__(self, stage: _Optional[str] = ..., fraction: _Optional[float] = ..., message: _Optional[str] = ...) -> None: ...

class GeneratedImage(_message.Message):
    __slots__ = ("image", "width", "height", "mime_type", "backend", "operations", "description", "adjustments")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ADJUSTMENTS_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    width: int
    height: int
    mime_type: str
    backend: str
    operations: _containers.RepeatedScalarFieldContainer[str]
    description: str
    adjustments: AdjustmentSet
    def __init__(self, image: _Optional[bytes] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., mime_type: _Optional[str] = ..., backend: _Optional[str] = ..., operations: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ..., adjustments: _Optional[_Union[AdjustmentSet, _Mapping]] = ...) -> None: ...

class GenerateEvent(_message.Message):
    __slots__ = ("progress", "result")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    progress: GenerateProgress
    result: GeneratedImage
    def __init__(self, progress: _Optional[_Union[GenerateProgress, _Mapping]] = ..., result: _Optional[_Union[GeneratedImage, _Mapping]] = ...) -> None: ...

class GetInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Backend(_message.Message):
    __slots__ = ("kind", "name", "version", "available", "is_default", "detail")
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    kind: str
    name: str
    version: str
    available: bool
    is_default: bool
    detail: str
    def __init__(self, kind: _Optional[str] = ..., name: _Optional[str] = ..., version: _Optional[str] = ..., available: _Optional[bool] = ..., is_default: _Optional[bool] = ..., detail: _Optional[str] = ...) -> None: ...

class EngineInfo(_message.Message):
    __slots__ = ("version", "backends", "libraries", "max_message_bytes", "workers")
    class LibrariesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BACKENDS_FIELD_NUMBER: _ClassVar[int]
    LIBRARIES_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    version: str
    backends: _containers.RepeatedCompositeFieldContainer[Backend]
    libraries: _containers.ScalarMap[str, str]
    max_message_bytes: int
    workers: int
    def __init__(self, version: _Optional[str] = ..., backends: _Optional[_Iterable[_Union[Backend, _Mapping]]] = ..., libraries: _Optional[_Mapping[str, str]] = ..., max_message_bytes: _Optional[int] = ..., workers: _Optional[int] = ...) -> None: ...
