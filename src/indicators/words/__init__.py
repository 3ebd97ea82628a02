"""Every word the tool prints, in Chinese and English, and how numbers are written."""
