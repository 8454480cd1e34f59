// The story body's own nodes for the Tiptap editor of django-prose-editor: library images,
// embeds, pull quotes, related stories and tables with a caption. Each writes exactly the
// markup articles/html.py allows (references only: ids, a provider and an id); readers' markup
// is drawn from those on the server (articles/body.py). Loaded through
// DJANGO_PROSE_EDITOR_EXTENSIONS (settings.py); the URLs come from the field's configuration.
import { Node, Plugin, crel } from "django-prose-editor/editor"

// --- A small dialog: a title, a body, a message line, and Cancel / the action ---------

function openDialog({ title, submitText, build, submit }) {
  const message = crel("p", { className: "body-dialog__message", role: "alert" })
  const form = crel("form", { method: "dialog", className: "body-dialog__form" })
  const dialog = crel("dialog", { className: "body-dialog" }, [
    crel("h2", { className: "body-dialog__title", textContent: title }),
    form,
  ])
  const fields = crel("div", { className: "body-dialog__fields" })
  const cancel = crel("button", { type: "button", className: "button", textContent: "Cancel" })
  const actions = crel("div", { className: "body-dialog__actions" }, [cancel])
  if (submitText) {
    actions.append(crel("button", { type: "submit", className: "button default", textContent: submitText }))
  }
  form.append(fields, message, actions)
  const close = () => {
    dialog.close()
    dialog.remove()
  }
  build(fields, close, (text) => { message.textContent = text })
  cancel.addEventListener("click", close)
  form.addEventListener("submit", async (event) => {
    event.preventDefault()
    message.textContent = ""
    const error = await submit?.(new FormData(form))
    if (error) message.textContent = error
    else close()
  })
  document.body.append(dialog)
  dialog.showModal()
  return dialog
}

async function lookup(url, params) {
  const query = new URLSearchParams(params)
  const response = await fetch(`${url}?${query}`, { credentials: "same-origin" })
  const data = await response.json().catch(() => ({ error: "The server did not answer; try again." }))
  return response.ok ? data : { error: data.error || "That did not work; try again." }
}

// A block goes after the paragraph the cursor is in (never splitting a sentence), or in
// place of an empty one.
function insertBlock(editor, content) {
  const { $from } = editor.state.selection
  if ($from.depth === 0 || ($from.parent.isTextblock && $from.parent.content.size === 0)) {
    return editor.chain().focus().insertContent(content).run()
  }
  return editor.chain().focus().insertContentAt($from.after(1), content).run()
}

const atomView = (label, extra) => ({ node, editor, getPos }) => {
  const dom = crel("div", { className: "body-node", contentEditable: "false" })
  dom.dataset.node = node.type.name
  const text = crel("span", { className: "body-node__label", textContent: label(node) })
  dom.append(...(extra ? extra({ node, editor, getPos, text, dom }) : []))
  if (!dom.contains(text)) dom.append(text)
  return { dom }
}

// --- Library images ---------------------------------------------------------------------

// What the library says of each image the editor shows (title, words, thumbnail), asked once
// per image however often it appears, and one at a time: a long story opens with many images,
// and a burst of requests is not worth the server's threads.
const imageInfo = new Map()
let asking = Promise.resolve()

function aboutImage(url, id) {
  if (!imageInfo.has(id)) {
    const answer = asking.then(() => lookup(url.replace("/0/", `/${id}/`), {}))
    asking = answer.catch(() => {})
    imageInfo.set(id, answer)
  }
  return imageInfo.get(id)
}

export const LibraryImage = Node.create({
  name: "libraryImage",
  group: "block",
  atom: true,
  draggable: true,

  addOptions() {
    return { pickerUrl: null, aboutUrl: null, uploadUrl: null }
  },

  addAttributes() {
    return {
      imageId: { default: null, parseHTML: (el) => el.getAttribute("data-image-id"),
                 renderHTML: (attrs) => ({ "data-image-id": attrs.imageId }) },
      layout: { default: "full", parseHTML: (el) => el.getAttribute("data-layout") || "full",
                renderHTML: (attrs) => ({ "data-layout": attrs.layout }) },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-image-id]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    const aboutUrl = this.options.aboutUrl
    const where = (node) => (node.attrs.layout === "inset" ? "inset" : "full width")
    return atomView(
      (node) => `Library image no. ${node.attrs.imageId} · ${where(node)}`,
      ({ node, editor, getPos, text, dom }) => {
        const img = crel("img", { alt: "", className: "body-node__thumb", hidden: true })
        const words = crel("span", { className: "body-node__words" })
        const toggle = crel("button", {
          type: "button",
          className: "body-node__button",
          textContent: node.attrs.layout === "inset" ? "Make full width" : "Make inset",
        })
        toggle.addEventListener("click", () => {
          const layout = node.attrs.layout === "inset" ? "full" : "inset"
          editor.chain().setNodeSelection(getPos()).updateAttributes("libraryImage", { layout }).run()
        })
        aboutImage(aboutUrl, node.attrs.imageId).then((found) => {
          if (found.error) {
            dom.classList.add("body-node--missing")
            text.textContent = found.error
            const remove = crel("button", { type: "button", className: "body-node__button", textContent: "Remove" })
            remove.addEventListener("click", () => editor.chain().setNodeSelection(getPos()).deleteSelection().focus().run())
            toggle.replaceWith(remove)
            return
          }
          Object.assign(img, { src: found.thumbnail, width: 160, hidden: false })
          if (found.width && found.height) img.height = Math.round((160 * found.height) / found.width)
          text.replaceChildren(
            crel("a", { href: found.url, target: "_blank", rel: "noopener", textContent: found.title }),
            ` · ${where(node)}`,
          )
          const lines = [["Alt text", found.alt_text], ["Caption", found.caption], ["Credit", found.credit]]
          words.replaceChildren(
            ...lines.filter(([, value]) => value).map(([name, value]) => crel("span", { textContent: `${name}: ${value}` })),
          )
        })
        return [img, crel("div", { className: "body-node__info" }, [text, words, toggle])]
      },
    )
  },

  addCommands() {
    return {
      insertLibraryImage:
        () =>
        ({ editor }) => {
          openImagePicker(editor, this.options)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      command: (editor) => editor.chain().insertLibraryImage().run(),
      button: buttons.material("add_photo_alternate", "Insert an image from the library"),
    })
  },
})

function openImagePicker(editor, options) {
  openDialog({
    title: "Insert an image from the library",
    build(fields, close, say) {
      const search = crel("input", { type: "search", name: "q", placeholder: "Search titles, alt text, captions", className: "vTextField" })
      const searchLabel = crel("label", { className: "body-dialog__label" }, ["Search the library ", search])
      const layout = crel("fieldset", { className: "body-dialog__layout" }, [
        crel("legend", { textContent: "Layout" }),
        crel("label", {}, [crel("input", { type: "radio", name: "layout", value: "full", checked: true }), " Full width"]),
        crel("label", {}, [crel("input", { type: "radio", name: "layout", value: "inset" }), " Inset (beside the text)"]),
      ])
      const results = crel("div", { className: "body-dialog__results", "aria-live": "polite" })
      const upload = crel("a", { href: options.uploadUrl, target: "_blank", rel: "noopener", textContent: "Upload new images (opens a new tab), then search again" })
      fields.append(searchLabel, layout, results, crel("p", {}, [upload]))
      let timer
      const load = async () => {
        const response = await fetch(`${options.pickerUrl}?${new URLSearchParams({ q: search.value })}`, { credentials: "same-origin" })
        results.innerHTML = response.ok ? await response.text() : ""
        if (!response.ok) say("The library could not be searched; try again.")
      }
      search.addEventListener("input", () => {
        clearTimeout(timer)
        timer = setTimeout(load, 250)
      })
      search.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault()
          load()
        }
      })
      results.addEventListener("click", (event) => {
        const choice = event.target.closest("[data-image-id]")
        if (!choice) return
        const chosen = fields.querySelector("input[name=layout]:checked").value
        insertBlock(editor, { type: "libraryImage", attrs: { imageId: choice.dataset.imageId, layout: chosen } })
        close()
      })
      load()
      setTimeout(() => search.focus(), 0)
    },
  })
}

// --- Embeds -----------------------------------------------------------------------------

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,

  addOptions() {
    return { lookupUrl: null, providers: {} }
  },

  addAttributes() {
    return {
      provider: { default: null, parseHTML: (el) => el.getAttribute("data-embed"),
                  renderHTML: (attrs) => ({ "data-embed": attrs.provider }) },
      embedId: { default: null, parseHTML: (el) => el.getAttribute("data-embed-id"),
                 renderHTML: (attrs) => ({ "data-embed-id": attrs.embedId }) },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    const providers = this.options.providers
    return atomView((node) => {
      const [name, kind] = providers[node.attrs.provider] || [node.attrs.provider, "embed"]
      return `${name} ${kind} ${node.attrs.embedId} · readers click to load it`
    })
  },

  addCommands() {
    const lookupUrl = () => this.options.lookupUrl
    return {
      insertEmbed:
        () =>
        ({ editor }) => {
          openDialog({
            title: "Embed a post or video",
            submitText: "Embed",
            build(fields) {
              const input = crel("input", { type: "url", name: "url", required: true, className: "vURLField", placeholder: "https://www.youtube.com/watch?v=…" })
              fields.append(
                crel("label", { className: "body-dialog__label" }, ["Its address ", input]),
                crel("p", { className: "help", textContent: "YouTube, Vimeo, X (Twitter), Telegram, Instagram or SoundCloud. Readers see a placeholder until they click." }),
              )
              setTimeout(() => input.focus(), 0)
            },
            async submit(data) {
              const found = await lookup(lookupUrl(), { url: data.get("url") })
              if (found.error) return found.error
              insertBlock(editor, { type: "embed", attrs: { provider: found.provider, embedId: found.id } })
              return null
            },
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command: (editor) => editor.chain().insertEmbed().run(),
      button: buttons.material("smart_display", "Embed a post or video"),
    })
  },

  // A bare URL pasted on an empty line becomes an embed when it is one.
  addProseMirrorPlugins() {
    const editor = this.editor
    const lookupUrl = this.options.lookupUrl
    const hosts = /^https?:\/\/(www\.|m\.|mobile\.)?(youtube\.com|youtu\.be|vimeo\.com|player\.vimeo\.com|twitter\.com|x\.com|t\.me|instagram\.com|soundcloud\.com)\//i
    return [
      new Plugin({
        props: {
          handlePaste(view, event) {
            const text = (event.clipboardData?.getData("text/plain") || "").trim()
            const { $from, empty } = view.state.selection
            if (!empty || !hosts.test(text) || /\s/.test(text) || $from.parent.content.size) return false
            lookup(lookupUrl, { url: text }).then((found) => {
              // Not a post or video (a channel, say): a link, as any other pasted address.
              const link = editor.schema.marks.link ? [{ type: "link", attrs: { href: text } }] : []
              const content = found.error
                ? { type: "text", text, marks: link }
                : { type: "embed", attrs: { provider: found.provider, embedId: found.id } }
              editor.chain().focus().insertContent(content).run()
            })
            return true
          },
        },
      }),
    ]
  },
})

// --- Pull quotes, related stories and tables with a caption ------------------------------

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  content: "paragraph+",
  defining: true,

  parseHTML() {
    return [{ tag: "aside.pull-quote" }]
  },

  renderHTML() {
    return ["aside", { class: "pull-quote" }, 0]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "pullQuote",
      groups: "nodes",
      command: (editor) => editor.chain().focus().toggleWrap("pullQuote").run(),
      button: buttons.material("format_quote", "Pull quote"),
      active: (editor) => editor.isActive("pullQuote"),
    })
  },
})

export const RelatedStory = Node.create({
  name: "relatedStory",
  group: "block",
  atom: true,
  draggable: true,

  addOptions() {
    return { lookupUrl: null }
  },

  addAttributes() {
    return {
      storyId: { default: null, parseHTML: (el) => el.getAttribute("data-story-id"),
                 renderHTML: (attrs) => ({ "data-story-id": attrs.storyId }) },
    }
  },

  parseHTML() {
    return [{ tag: "aside.related-story[data-story-id]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["aside", { class: "related-story", ...HTMLAttributes }]
  },

  addNodeView() {
    const lookupUrl = this.options.lookupUrl
    return atomView(
      (node) => `Related story no. ${node.attrs.storyId}`,
      ({ node, text }) => {
        lookup(lookupUrl, { q: node.attrs.storyId }).then((found) => {
          if (!found.error) text.textContent = `Related story: ${found.headline}`
        })
        return []
      },
    )
  },

  addMenuItems({ buttons, menu }) {
    const lookupUrl = this.options.lookupUrl
    menu.defineItem({
      name: "relatedStory",
      groups: "nodes",
      button: buttons.material("article", "Related story card"),
      command(editor) {
        openDialog({
          title: "A related story",
          submitText: "Insert",
          build(fields) {
            const input = crel("input", { type: "text", name: "q", required: true, className: "vTextField" })
            fields.append(
              crel("label", { className: "body-dialog__label" }, ["The story's address or number ", input]),
              crel("p", { className: "help", textContent: "Readers see its card here once it is published." }),
            )
            setTimeout(() => input.focus(), 0)
          },
          async submit(data) {
            const found = await lookup(lookupUrl, { q: data.get("q") })
            if (found.error) return found.error
            insertBlock(editor, { type: "relatedStory", attrs: { storyId: String(found.id) } })
            return null
          },
        })
      },
    })
  },
})

export const TableFigure = Node.create({
  name: "tableFigure",
  group: "block",
  content: "table caption",
  isolating: true,

  parseHTML() {
    return [{ tag: "figure.table", priority: 60 }]
  },

  renderHTML() {
    return ["figure", { class: "table" }, 0]
  },

  addMenuItems({ buttons, menu }) {
    const cell = (type) => ({ type, content: [{ type: "paragraph" }] })
    const row = (type) => ({ type: "tableRow", content: [cell(type), cell(type), cell(type)] })
    menu.defineItem({
      name: "tableFigure",
      groups: "nodes",
      button: buttons.material("table_chart", "Table with a header row and a caption"),
      command(editor) {
        insertBlock(editor, {
          type: "tableFigure",
          content: [
            { type: "table", content: [row("tableHeader"), row("tableCell"), row("tableCell")] },
            { type: "caption", content: [{ type: "text", text: "What the table shows" }] },
          ],
        })
      },
    })
  },
})
