# Doudi — the two commands a newcomer needs:
#   make run    set up and run the service locally (SQLite, in-process jobs, demo data, WeChat stand-in)
#   make test   set up and run the whole test suite (SQLite and PostgreSQL, real Redis)

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench-resident clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	# paddlex pins opencv-contrib-python 4.10, which shares the cv2/ folder with opencv-python-headless; the face
	# models need OpenCV >= 4.11, so headless is reinstalled last to own cv2/ (ocr/ works with either).
	$(PY) -m pip install --quiet --force-reinstall --no-deps opencv-python-headless==4.14.0.94
	$(PY) -c "import cv2; v = tuple(map(int, cv2.__version__.split('.')[:2])); assert v >= (4, 11), cv2.__version__"
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m app.demo

test: $(STAMP)
	bash .ci/ensure-services
	bash .ci/ensure-system-packages
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench-resident: $(STAMP)
	bash .ci/ensure-services
	$(PY) -m bench.resident_api

clean:
	rm -rf $(VENV) var .pytest_cache
