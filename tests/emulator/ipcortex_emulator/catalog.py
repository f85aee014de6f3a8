# -*- coding: utf-8 -*-
# Copyright (c) ipcortex.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Phone types with their port counts, and the time zones, as the vendor page lists them."""

import re

# The list of the vendor's handset page (API 6.5), in its order.
PHONE_TYPES = tuple("""
Cisco7941 Cisco7961 Cisco7965 a580ip aastra480i aastra51i aastra53i aastra53i-1line aastra53i536m
aastra53i536m2 aastra53i536m3 aastra55i aastra55i-1l536m aastra55i-1l560m aastra55i-1line
aastra55i536m aastra55i536m2 aastra55i536m3 aastra55i560m aastra57i aastra57i-1l536m
aastra57i-1l560m aastra57i-1line aastra57i536m aastra57i536m2 aastra57i536m3 aastra57i560m
aastra57i560m2 aastra57i560m3 aastra6730i aastra6731i aastra9112i aastra9133i basic_soft bria c460ip
cp7811 cp7821 cp7821-1 cp7841 cp7841-1 cp7841-2 cp7861 cp7861-1 cp7861-2 eyebeam generic ip320
ip320_msg ip321 ip321_msg ip330 ip330_msg ip331 ip331_msg ip335 ip335_msg ip4000 ip430 ip430-1 ip450
ip450-1 ip5000 ip501 ip501-1 ip550 ip550-1 ip560 ip560-1 ip6000 ip601 ip601-1 ip601-2 ip601-3
ip601-4 ip650 ip650-1 ip650-2 ip650-3 ip650-4 ip670 ip670-1 ip670-2 ip670-3 ip670-4 ip7000 ip840c
ip840c-1 ip840c-111 ip840c-12 ip840c-156 ip840c-2 ip840c-210 ip840c-336 ip840c-606 ip840cs
ip840cs-12 kws300 n300ip n300ip-1 n510ip n510ip-1 n720ip n720ip100 n720ip25 n720ip50 n720ip75
newYeaVP2009 pap2t s450ip s685ip snom190 snom190-1 snom300 snom300-hold snom320 snom320-1
snom320-111 snom320-12 snom320-156 snom320-2 snom320-210 snom320-3 snom320-336 snom320-606 snom320s
snom320s-12 snom360 snom360-1 snom360-111 snom360-12 snom360-156 snom360-2 snom360-210 snom360-3
snom360-336 snom360-606 snom360s snom360s-12 snom370 snom370-1 snom370-111 snom370-12 snom370-156
snom370-2 snom370-210 snom370-336 snom370-606 snom370s snom370s-12 snom710 snom710-1 snom710-4
snom715 snom715-1 snom715-4 snom720 snom720-1 snom725 snom725-1 snom760 snom760-1 snom820 snom820-1
snom820-10 snom821 snom821-1 snom821-10 snom870 snom870-1 snom870-10 snom870-6 snomD305 snomD315
snomD345 snomD375 snomMP snomPA1 snomm3 snomm3-1 snomm9 spa1001 spa112 spa2000 spa2002 spa2102
spa301 spa303 spa502g spa504g spa504g-1 spa508g spa508g-1 spa509g spa509g-1 spa525g spa525g-1
spa8000 spa841 spa901 spa921 spa922 spa941 spa942 spa962 tgp500 tgp500-1 tls_soft trio8500 trio8800
vvx101 vvx101-1-0 vvx1500 vvx1500-1 vvx201 vvx201-1 vvx201-1-0 vvx300 vvx300-1 vvx300-1-0 vvx300-15
vvx300-6 vvx310 vvx310-1 vvx310-1-0 vvx310-15 vvx310-6 vvx400 vvx400-1 vvx400-1-0 vvx400-111
vvx400-12 vvx400-3 vvx410 vvx410-1 vvx410-1-0 vvx410-111 vvx410-12 vvx410-3 vvx500 vvx500-1
vvx500-1-0 vvx500-12 vvx500-12s vvx500-1s vvx500s vvx500v vvx500v-1 vvx500v-1-0 vvx500v-12
vvx500v-12s vvx500v-1s vvx500vs vvx600 vvx600-1 vvx600-1-0 vvx600-12 vvx600-12s vvx600-1s vvx600s
vvx600v vvx600v-1 vvx600v-1-0 vvx600v-12 vvx600v-12s vvx600v-1s vvx600vs webrtc xlite yealinkCP860
yealinkCP920 yealinkCP960 yealinkT18 yealinkT19 yealinkT20 yealinkT20-1 yealinkT21 yealinkT21-1
yealinkT22 yealinkT22-1 yealinkT23 yealinkT23-1 yealinkT26 yealinkT26-1 yealinkT26-exp39
yealinkT261exp39 yealinkT26L yealinkT26Lexp39 yealinkT26l yealinkT26lexp39 yealinkT27 yealinkT27-1
yealinkT27-exp20 yealinkT27l1 yealinkT27lexp20 yealinkT28 yealinkT28-1 yealinkT28-exp39
yealinkT281exp39 yealinkT28L yealinkT28Lexp39 yealinkT28l yealinkT28lexp39 yealinkT29 yealinkT29-1
yealinkT29-exp20 yealinkT29l1 yealinkT29lexp20 yealinkT32 yealinkT32-1 yealinkT38 yealinkT38-1
yealinkT38-exp39 yealinkT381exp39 yealinkT38L yealinkT38Lexp39 yealinkT38l yealinkT38lexp39
yealinkT40 yealinkT40-1 yealinkT41 yealinkT41-1 yealinkT41-6 yealinkT41l1 yealinkT42 yealinkT42-1
yealinkT42-6 yealinkT42l1 yealinkT46 yealinkT46-1 yealinkT46-10 yealinkT46-10e40 yealinkT46-exp40
yealinkT461exp40 yealinkT46L yealinkT46Lexp40 yealinkT46l yealinkT46lexp40 yealinkT48 yealinkT48-1
yealinkT48-12 yealinkT48-12e40 yealinkT48-exp40 yealinkT481exp40 yealinkT48_1 yealinkT48_exp40
yealinkT49 yealinkT49-1 yealinkT49-12 yealinkT49-12e40 yealinkT49-exp40 yealinkT491exp40
yealinkT49_1 yealinkT49_exp40 yealinkT52 yealinkT52-1 yealinkT52-8 yealinkT52l1 yealinkT54
yealinkT54-1 yealinkT54-10 yealinkT54l1 yealinkT56 yealinkT56-1 yealinkT56-12 yealinkT56-12e50
yealinkT56-exp50 yealinkT561exp50 yealinkT56_1 yealinkT56_exp50 yealinkT58 yealinkT58-1
yealinkT58-12 yealinkT58-12e50 yealinkT58-exp50 yealinkT581exp50 yealinkT58_1 yealinkT58_exp50
yealinkVP2009 yealinkVP530 yealinkVP530-1 yealinkW52 yealinkW52-1 yealinkW60 yealinkW60-1 zoiper
""".split())

# The time zones of the vendor's handset page; ``zone`` may also be the empty string.
ZONES = tuple("""
Atlantic/Cape_Verde Atlantic/Bermuda Europe/London Europe/Paris Europe/Helsinki Africa/Nairobi
Europe/Nicosia Asia/Hong_Kong US/Alaska US/Pacific US/Mountain US/Central US/Eastern
""".split())

# The vendor publishes no port counts, so these are the emulator's choice (see README.md).
# One port row per line the device registers: one per FXS socket on an analogue adapter,
# one per handset a DECT base registers. Every type not listed drives one line: desk phones,
# soft phones, and the vendor's per-model templates ("-1", "-12", expansion-module variants).
# The "-1" variants of DECT bases are their single-line templates.
MULTI_PORT = {
    # analogue telephone adapters
    "pap2t": 2,
    "spa112": 2,
    "spa2000": 2,
    "spa2002": 2,
    "spa2102": 2,
    "spa8000": 8,
    # DECT bases
    "a580ip": 6,
    "c460ip": 6,
    "s450ip": 6,
    "s685ip": 6,
    "n300ip": 6,
    "n510ip": 6,
    "n720ip": 20,
    "n720ip25": 25,
    "n720ip50": 50,
    "n720ip75": 75,
    "n720ip100": 100,
    "kws300": 10,
    "snomm3": 8,
    "snomm9": 9,
    "tgp500": 6,
    "yealinkW52": 5,
    "yealinkW60": 8,
}

_VENDORS = (
    (r"Cisco|cp\d", "Cisco"),
    (r"spa|pap", "Linksys/Cisco SPA"),
    (r"aastra", "Aastra"),
    (r"snom", "Snom"),
    (r"vvx|trio|ip\d", "Polycom"),
    (r"yealink|newYea", "Yealink"),
    (r"[acns]\d+ip", "Gigaset"),
    (r"kws", "Spectralink"),
    (r"tgp", "Panasonic"),
)
_SOFT_PHONES = ("basic_soft", "bria", "eyebeam", "generic", "tls_soft", "webrtc", "xlite", "zoiper")


def port_count(phone_type):
    """Number of port rows a device of this type has."""
    return MULTI_PORT.get(phone_type, 1)


def description(phone_type):
    """Human-readable name of a phone type, as ``readtypes`` and the ``type`` column show it."""
    if phone_type in _SOFT_PHONES:
        text = "Soft phone " + phone_type
    else:
        vendor = next((name for pattern, name in _VENDORS if re.match(pattern, phone_type)), "Generic")
        text = vendor + " " + phone_type
    ports = port_count(phone_type)
    return text if ports == 1 else "%s (%d ports)" % (text, ports)
