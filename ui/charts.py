"""Small QtCharts views of the caseload for the dashboard: a bar chart and a pie chart, calm colours, en-GB words."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

BAR_COLOUR = "#4a78a8"
RAG_PIE_COLOURS = {"Red": "#d9534f", "Amber": "#f0ad4e", "Green": "#5cb85c"}


class ChartView(QChartView):
    """A chart with its title as accessible name and a text description of its figures."""

    def __init__(self, title: str, parent: QWidget | None = None):
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setVisible(False)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(4)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(title)
        self.setMinimumHeight(120)  # the dashboard caps the charts at a quarter of its height
        self.title = title
        self.figures: list[tuple[str, int]] = []

    def _describe(self, figures: Sequence[tuple[str, int]]) -> None:
        self.figures = list(figures)
        text = "; ".join(f"{label}: {value}" for label, value in figures) or "No data"
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    def clear(self) -> None:
        self.chart().removeAllSeries()
        for axis in self.chart().axes():
            self.chart().removeAxis(axis)
        self._describe([])


class BarChart(ChartView):
    """Categories along the bottom, one column each, with short names: it fits the quarter of the height it gets."""

    def set_data(self, figures: Sequence[tuple[str, int]], empty_text: str = "None") -> None:
        self.clear()
        chart = self.chart()
        chart.setTitle(self.title if figures else f"{self.title}: {empty_text}")
        if not figures:
            return
        bars = QBarSet("Count")
        bars.setColor(QColor(BAR_COLOUR))
        for _label, value in figures:
            bars.append(value)
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsInsideEnd)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([label for label, _value in figures])
        font = QFont(categories.labelsFont())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        categories.setLabelsFont(font)
        categories.setTruncateLabels(False)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        values = QValueAxis()
        values.setLabelFormat("%d")
        top = max((value for _label, value in figures), default=0)
        values.setRange(0, max(1, top))
        values.setTickCount(min(max(2, top + 1), 6))
        values.setLabelsVisible(False)  # each column carries its figure; axis numbers would only crowd a short chart
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)
        self._describe(figures)


class PieChart(ChartView):
    def set_data(self, figures: Sequence[tuple[str, int]], colours: dict[str, str] | None = None) -> None:
        self.clear()
        series = QPieSeries()
        for label, value in figures:
            if value:
                piece = series.append(f"{label} ({value})", value)
                if colours and label in colours:
                    piece.setColor(QColor(colours[label]))
        series.setPieSize(0.8)
        self.chart().addSeries(series)
        self.chart().legend().setVisible(True)
        self.chart().legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self.chart().setTitle(self.title if any(value for _label, value in figures) else f"{self.title}: none")
        self._describe(figures)
