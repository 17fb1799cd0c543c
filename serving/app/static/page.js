// maeum's page helpers, run once per browser tab (st.html mounts this on every rerun;
// the guard keeps one observer). Streamlit's own frontend is English: this puts the page
// language, the screen-reader labels and the connection texts people can meet in Korean,
// and adds a copy button to every reply.
(function () {
  if (window.__maeumPage) { window.__maeumPage.scan(); return; }
  const LABELS = {
    "Send message": "보내기",
    "Stop script": "답변 멈추기",
    "Thumbs up": "좋아요",
    "Thumbs down": "별로예요",
    "Main menu": "메뉴",
    "Copy to clipboard": "복사",
    "Close": "닫기",
    "Open sidebar": "사이드바 열기",
    "Close sidebar": "사이드바 닫기",
    "Expand sidebar": "사이드바 열기",
    "Collapse sidebar": "사이드바 닫기",
  };
  const TEXTS = {
    "Connection error": "연결이 끊겼어요",
    "Streamlit server is not responding. Are you connected to the internet?":
      "마음 서버가 응답하지 않아요. 인터넷 연결을 확인해 주세요. 연결되면 저절로 다시 이어져요.",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
      "마음 서버가 꺼진 것 같아요. 서버를 다시 켜 주세요:",
    "Connecting": "연결하는 중",
    "Connecting to Streamlit server": "마음 서버에 연결하는 중이에요",
    "Connection lost. Please wait for the app to reconnect, then try again.":
      "연결이 끊겼어요. 다시 연결될 때까지 기다렸다가 한 번 더 해 주세요.",
    "Running...": "답변을 만드는 중…",
    "Stop": "멈추기",
    "Please wait...": "잠시만 기다려 주세요…",
    "Please wait…": "잠시만 기다려 주세요…",
    // the ⋮ menu and its screen-recording dialog
    "Print": "인쇄하기",
    "Record screen": "화면 녹화하기",
    "Stop recording": "녹화 멈추기",
    "Made with Streamlit v": "만든 도구: Streamlit v",
    "Record a screencast": "화면 녹화하기",
    "This will record a video with the contents of your screen, so you can easily share what you're seeing with others.":
      "화면에 보이는 내용을 동영상으로 녹화해서 다른 사람과 쉽게 나눌 수 있어요.",
    "Also record audio": "소리도 함께 녹음하기",
    "Start recording!": "녹화 시작하기",
  };
  const ATTRS = ["aria-label", "title", "placeholder"];

  function translateElement(el) {
    for (const attr of ATTRS) {
      const value = el.getAttribute && el.getAttribute(attr);
      if (value && LABELS[value]) el.setAttribute(attr, LABELS[value]);
      else if (value && TEXTS[value]) el.setAttribute(attr, TEXTS[value]);
    }
  }

  function translateText(node) {
    const text = node.nodeValue && node.nodeValue.trim();
    if (text && TEXTS[text]) node.nodeValue = node.nodeValue.replace(text, TEXTS[text]);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const area = document.createElement("textarea");  // plain http on a LAN address
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
    return Promise.resolve();
  }

  function addCopyButton(message) {
    if (message.querySelector('[data-testid="stChatMessageAvatarUser"]')) return;
    if (message.querySelector(".maeum-copy")) return;
    const content = message.querySelector('[data-testid="stChatMessageContent"]');
    // the reply's own text: not a caption (times, "답변이 중간에 멈췄어요.") or an error box
    const markdown = content && Array.from(content.querySelectorAll('[data-testid="stMarkdownContainer"]'))
      .find((el) => !el.closest('[data-testid="stCaptionContainer"],[data-testid="stAlert"],[data-testid="stAlertContainer"]'));
    if (!markdown || !markdown.innerText.trim()) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "maeum-copy";
    button.textContent = "복사";
    button.setAttribute("aria-label", "이 답변 복사하기");
    button.addEventListener("click", () => {
      copyText(markdown.innerText.trim()).then(() => {
        button.textContent = "복사했어요";
        setTimeout(() => { button.textContent = "복사"; }, 1500);
      });
    });
    content.appendChild(button);
  }

  function scan(root) {
    root = root || document.body;
    if (!root) return;
    document.documentElement.lang = "ko";
    if (root.nodeType === 1) {
      translateElement(root);
      root.querySelectorAll("[aria-label],[title],[placeholder]").forEach(translateElement);
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) translateText(walker.currentNode);
    } else if (root.nodeType === 3) {
      translateText(root);
    }
  }

  function addCopyButtons() {
    document.querySelectorAll('[data-testid="stChatMessage"]').forEach(addCopyButton);
  }

  let pending = false;
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes") translateElement(m.target);
      else if (m.type === "characterData") translateText(m.target);
      else m.addedNodes.forEach((n) => scan(n));
    }
    if (!pending) {  // copy buttons once the stream settles, not per token
      pending = true;
      setTimeout(() => { pending = false; addCopyButtons(); }, 400);
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true,
                                    attributes: true, attributeFilter: ATTRS });
  window.__maeumPage = { scan: () => { scan(document.body); addCopyButtons(); } };
  window.__maeumPage.scan();
})();
