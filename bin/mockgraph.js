#!/usr/bin/env node
'use strict';
require('../dist/server/src/main.js');
