"""PDF report building (ReportLab only: nothing here may import Qt)."""
